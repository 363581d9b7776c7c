package io.egressjava.storage;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Azure Blob Storage with a shared key, uploaded in 4 MiB blocks (bounded memory). Location:
 * {@code https://<account>.blob.core.windows.net/<container>/<key>} (or the configured endpoint).
 */
public final class AzureUploader implements Uploader {
  static final long BLOCK_SIZE = 4L << 20;

  private final StorageConfig.Azure conf;
  private final String serviceUrl;
  private final BlobContainerClient container;

  public AzureUploader(StorageConfig.Azure conf) {
    this.conf = conf;
    this.serviceUrl = conf.endpoint().isEmpty() ? "https://" + conf.accountName() + ".blob.core.windows.net"
        : trimSlash(conf.endpoint());
    this.container = new BlobServiceClientBuilder()
        .endpoint(serviceUrl)
        .credential(new StorageSharedKeyCredential(conf.accountName(), conf.accountKey()))
        // one try per call: retries are RetryingUploader's, counted and backed off the same way for every store
        .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 1, Duration.ofSeconds(60), null, null, null))
        .buildClient()
        .getBlobContainerClient(conf.containerName());
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String name() {
    return "Azure";
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    BlobClient blob = container.getBlobClient(storagePath);
    try {
      blob.uploadFromFileWithResponse(new BlobUploadFromFileOptions(file.toString())
          .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(BLOCK_SIZE).setMaxConcurrency(4))
          .setHeaders(new BlobHttpHeaders().setContentType(contentType)), Duration.ofMinutes(30), null);
    } catch (HttpResponseException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
      throw new UploadException(e.getMessage(), e, status, UploadException.retryableStatus(status));
    } catch (UncheckedIOException e) {
      throw new UploadException(e.getCause().toString(), e, 0, true);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof IOException io) {
        throw new UploadException(io.toString(), e, 0, true);
      }
      throw e;
    }
    return serviceUrl + "/" + conf.containerName() + "/" + storagePath;
  }

  @Override
  public String presign(String storagePath, Duration validity) {
    BlobClient blob = container.getBlobClient(storagePath);
    String sas = blob.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plus(validity),
        new BlobSasPermission().setReadPermission(true)));
    return blob.getBlobUrl() + "?" + sas;
  }
}
