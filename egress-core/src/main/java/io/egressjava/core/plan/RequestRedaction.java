package io.egressjava.core.plan;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress.AliOSSUpload;
import livekit.LivekitEgress.AzureBlobUpload;
import livekit.LivekitEgress.GCPUpload;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitEgress.StreamOutput;
import livekit.LivekitEgress.TrackEgressRequest;

/**
 * The copy of a request stored in EgressInfo, with credentials and stream keys replaced by
 * placeholders (protocol.md §3.7). livekit-server reads webhooks from this copy, so only secrets are
 * touched. Works on any request message: upload configs and stream outputs are found wherever they
 * are nested (v1 outputs, deprecated single outputs, v2 outputs and storage).
 */
final class RequestRedaction {
  private RequestRedaction() {}

  @SuppressWarnings("unchecked")
  static <M extends Message> M redact(M request) {
    return (M) walk(request);
  }

  private static Message walk(Message m) {
    if (m instanceof S3Upload s3) {
      return s3.toBuilder()
          .setAccessKey(mask(s3.getAccessKey(), "{access_key}"))
          .setSecret(mask(s3.getSecret(), "{secret}"))
          .setSessionToken(mask(s3.getSessionToken(), "{session_token}"))
          .setAssumeRoleExternalId(mask(s3.getAssumeRoleExternalId(), "{external_id}"))
          .build();
    }
    if (m instanceof GCPUpload gcp) {
      return gcp.toBuilder().setCredentials(mask(gcp.getCredentials(), "{credentials}")).build();
    }
    if (m instanceof AzureBlobUpload azure) {
      return azure.toBuilder()
          .setAccountName(mask(azure.getAccountName(), "{account_name}"))
          .setAccountKey(mask(azure.getAccountKey(), "{account_key}"))
          .build();
    }
    if (m instanceof AliOSSUpload oss) {
      return oss.toBuilder()
          .setAccessKey(mask(oss.getAccessKey(), "{access_key}"))
          .setSecret(mask(oss.getSecret(), "{secret}"))
          .build();
    }
    if (m instanceof StreamOutput stream) {
      return stream.toBuilder().clearUrls().addAllUrls(stream.getUrlsList().stream().map(StreamUrls::redact).toList()).build();
    }
    Message.Builder b = m.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> field : m.getAllFields().entrySet()) {
      FieldDescriptor fd = field.getKey();
      if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE || fd.isMapField()) {
        continue;
      }
      if (fd.isRepeated()) {
        b.clearField(fd);
        for (Object item : (List<?>) field.getValue()) {
          b.addRepeatedField(fd, walk((Message) item));
        }
      } else {
        b.setField(fd, walk((Message) field.getValue()));
      }
    }
    if (m instanceof TrackEgressRequest track && !track.getWebsocketUrl().isEmpty()) {
      ((TrackEgressRequest.Builder) b).setWebsocketUrl(StreamUrls.redactQuery(track.getWebsocketUrl()));
    }
    return b.build();
  }

  private static String mask(String value, String placeholder) {
    return value.isEmpty() ? value : placeholder;
  }
}
