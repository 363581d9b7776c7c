package io.egressjava.storage;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.ClientException;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.ObjectMetadata;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;

/**
 * Aliyun OSS: one PUT streamed from the file. Location: {@code https://<bucket>.<endpoint>/<key>},
 * the reference's format.
 */
public final class AliOssUploader implements Uploader {
  private final StorageConfig.AliOss conf;
  private final OSS client;

  public AliOssUploader(StorageConfig.AliOss conf) {
    this.conf = conf;
    ClientBuilderConfiguration c = new ClientBuilderConfiguration();
    c.setMaxErrorRetry(0); // retries are RetryingUploader's
    c.setSLDEnabled(true); // path-style for IP endpoints (emulators); OSS itself accepts both
    this.client = new OSSClientBuilder().build(conf.endpoint(), conf.accessKey(), conf.secret(), c);
  }

  @Override
  public String name() {
    return "AliOSS";
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    ObjectMetadata meta = new ObjectMetadata();
    meta.setContentType(contentType);
    try {
      // one streamed PUT from the file, as the reference does (objects up to 5 GB)
      client.putObject(conf.bucket(), storagePath, file.toFile(), meta);
    } catch (OSSException e) {
      throw new UploadException(e.getErrorCode() + ": " + e.getErrorMessage(), e, 0, true);
    } catch (ClientException e) {
      throw new UploadException(e.getMessage(), e, 0, true);
    } catch (Throwable e) {
      if (e instanceof Error err) {
        throw err;
      }
      throw new UploadException(String.valueOf(e.getMessage()), e, 0, true);
    }
    return "https://" + conf.bucket() + "." + stripScheme(conf.endpoint()) + "/" + storagePath;
  }

  private static String stripScheme(String endpoint) {
    return endpoint.replaceFirst("^https?://", "");
  }

  @Override
  public String presign(String storagePath, Duration validity) {
    URL url = client.generatePresignedUrl(conf.bucket(), storagePath, new Date(System.currentTimeMillis() + validity.toMillis()));
    return url.toString();
  }
}
