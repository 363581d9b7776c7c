package io.egressjava.storage;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.credentials.StaticProvider;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

/**
 * S3 and S3-compatible storage through the MinIO client. Large files go up in multipart with a
 * fixed part size, so memory stays bounded whatever the file size. Locations have the reference's
 * format: {@code https://<bucket>.<endpoint>/<key>}, or {@code <endpoint>/<bucket>/<key>} with path style.
 */
public final class S3Uploader implements Uploader {
  /** Part size for multipart uploads; the client holds about one part in memory. */
  static final long PART_SIZE = 8L << 20;

  private final StorageConfig.S3 conf;
  private final MinioClient client;
  private final OkHttpClient http;

  public S3Uploader(StorageConfig.S3 conf) {
    this.conf = conf;
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60))
        .retryOnConnectionFailure(false); // retries are ours, counted and backed off
    if (conf.proxy() != null && !conf.proxy().url().isEmpty()) {
      URI proxy = URI.create(conf.proxy().url());
      http.proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP, new InetSocketAddress(proxy.getHost(), proxy.getPort())));
      if (!conf.proxy().username().isEmpty() && !conf.proxy().password().isEmpty()) {
        String auth = Credentials.basic(conf.proxy().username(), conf.proxy().password());
        http.proxyAuthenticator((route, response) ->
            response.request().newBuilder().header("Proxy-Authorization", auth).build());
      }
    }
    String endpoint = conf.endpoint().isEmpty() ? "https://s3.amazonaws.com" : withScheme(conf.endpoint());
    this.http = http.build();
    MinioClient.Builder b = MinioClient.builder()
        .endpoint(endpoint)
        .region(conf.region().isEmpty() ? "us-east-1" : conf.region())
        .httpClient(this.http);
    if (!conf.accessKey().isEmpty() && !conf.secret().isEmpty()) {
      b.credentialsProvider(new StaticProvider(conf.accessKey(), conf.secret(),
          conf.sessionToken().isEmpty() ? null : conf.sessionToken()));
    }
    this.client = b.build();
    if (conf.forcePathStyle()) {
      client.disableVirtualStyleEndpoint();
    }
  }

  private static String withScheme(String endpoint) {
    return endpoint.startsWith("http://") || endpoint.startsWith("https://") ? endpoint : "https://" + endpoint;
  }

  @Override
  public String name() {
    return "S3";
  }

  /** OkHttp keeps idle connections (and a non-daemon thread) for a minute otherwise. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    headers.put("Content-Disposition", conf.contentDisposition().isEmpty() ? "inline" : conf.contentDisposition());
    UploadObjectArgs.Builder args = UploadObjectArgs.builder()
        .bucket(conf.bucket())
        .object(storagePath)
        .headers(headers)
        .userMetadata(conf.metadata());
    if (!conf.tagging().isEmpty()) {
      args.tags(parseTagging(conf.tagging()));
    }
    try {
      args.filename(file.toString(), PART_SIZE);
      client.uploadObject(args.build());
    } catch (MinioException e) {
      throw classify(e);
    } catch (IllegalStateException e) { // MinIO 9 wraps I/O failures (refused, reset) this way
      throw classifyIo(e);
    }
    return location(storagePath);
  }

  String location(String storagePath) {
    String endpoint = conf.endpoint().isEmpty() ? "s3.amazonaws.com" : conf.endpoint();
    if (conf.forcePathStyle()) {
      return withScheme(endpoint) + "/" + conf.bucket() + "/" + storagePath;
    }
    return "https://" + conf.bucket() + "." + endpoint + "/" + storagePath;
  }

  @Override
  public String presign(String storagePath, Duration validity) throws IOException {
    try {
      return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
          .method(Http.Method.GET).bucket(conf.bucket()).object(storagePath)
          .expiry((int) validity.toSeconds(), TimeUnit.SECONDS).build());
    } catch (MinioException e) {
      throw classify(e);
    } catch (IllegalStateException e) {
      throw classifyIo(e);
    }
  }

  private static UploadException classifyIo(IllegalStateException e) {
    if (e.getCause() instanceof MinioException me) {
      return classify(me);
    }
    if (e.getCause() instanceof IOException io) {
      return new UploadException(io.toString(), e, 0, true);
    }
    throw e;
  }

  /** "a=b&c=d" → map. */
  static Map<String, String> parseTagging(String tagging) {
    Map<String, String> tags = new HashMap<>();
    for (String pair : tagging.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        tags.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return tags;
  }

  static UploadException classify(MinioException e) {
    if (e instanceof ErrorResponseException er) {
      int status = er.response() == null ? 0 : er.response().code();
      return new UploadException(er.errorResponse().code() + ": " + er.getMessage(), e, status,
          UploadException.retryableStatus(status));
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof IOException) { // connection refused, reset, timeouts
      return new UploadException(cause.toString(), e, 0, true);
    }
    String message = String.valueOf(e.getMessage());
    int status = statusIn(message);
    return new UploadException(message, e, status, status == 0 || UploadException.retryableStatus(status));
  }

  /** MinIO reports non-XML error bodies (e.g. a bare 500) as "... response code: 500 ..." text. */
  private static int statusIn(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:code|status)[:= ]+(\\d{3})").matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
