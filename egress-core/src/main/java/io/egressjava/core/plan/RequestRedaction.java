package io.egressjava.core.plan;

import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.AliOSSUpload;
import livekit.LivekitEgress.AzureBlobUpload;
import livekit.LivekitEgress.GCPUpload;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitEgress.StorageConfig;
import livekit.LivekitEgress.StreamOutput;

/**
 * The copy of a request stored in EgressInfo, with credentials and stream keys replaced by
 * placeholders (protocol.md §3.7). livekit-server reads webhooks from this copy, so only secrets
 * are touched.
 */
@SuppressWarnings("deprecation") // the deprecated single-output fields must be redacted too
final class RequestRedaction {
  private RequestRedaction() {}

  private static String mask(String value, String placeholder) {
    return value.isEmpty() ? value : placeholder;
  }

  static S3Upload s3(S3Upload s3) {
    return s3.toBuilder()
        .setAccessKey(mask(s3.getAccessKey(), "{access_key}"))
        .setSecret(mask(s3.getSecret(), "{secret}"))
        .setSessionToken(mask(s3.getSessionToken(), "{session_token}"))
        .setAssumeRoleExternalId(mask(s3.getAssumeRoleExternalId(), "{external_id}"))
        .build();
  }

  static GCPUpload gcp(GCPUpload gcp) {
    return gcp.toBuilder().setCredentials(mask(gcp.getCredentials(), "{credentials}")).build();
  }

  static AzureBlobUpload azure(AzureBlobUpload azure) {
    return azure.toBuilder()
        .setAccountName(mask(azure.getAccountName(), "{account_name}"))
        .setAccountKey(mask(azure.getAccountKey(), "{account_key}"))
        .build();
  }

  static AliOSSUpload alioss(AliOSSUpload oss) {
    return oss.toBuilder()
        .setAccessKey(mask(oss.getAccessKey(), "{access_key}"))
        .setSecret(mask(oss.getSecret(), "{secret}"))
        .build();
  }

  static StreamOutput stream(StreamOutput stream) {
    StreamOutput.Builder b = stream.toBuilder().clearUrls();
    stream.getUrlsList().forEach(u -> b.addUrls(StreamUrls.redact(u)));
    return b.build();
  }

  static StorageConfig storage(StorageConfig s) {
    StorageConfig.Builder b = s.toBuilder();
    if (s.hasS3()) {
      b.setS3(s3(s.getS3()));
    } else if (s.hasGcp()) {
      b.setGcp(gcp(s.getGcp()));
    } else if (s.hasAzure()) {
      b.setAzure(azure(s.getAzure()));
    } else if (s.hasAliOSS()) {
      b.setAliOSS(alioss(s.getAliOSS()));
    }
    return b.build();
  }

  static LivekitEgress.EncodedFileOutput file(LivekitEgress.EncodedFileOutput f) {
    var b = f.toBuilder();
    if (f.hasS3()) {
      b.setS3(s3(f.getS3()));
    } else if (f.hasGcp()) {
      b.setGcp(gcp(f.getGcp()));
    } else if (f.hasAzure()) {
      b.setAzure(azure(f.getAzure()));
    } else if (f.hasAliOSS()) {
      b.setAliOSS(alioss(f.getAliOSS()));
    }
    return b.build();
  }

  static LivekitEgress.SegmentedFileOutput segments(LivekitEgress.SegmentedFileOutput f) {
    var b = f.toBuilder();
    if (f.hasS3()) {
      b.setS3(s3(f.getS3()));
    } else if (f.hasGcp()) {
      b.setGcp(gcp(f.getGcp()));
    } else if (f.hasAzure()) {
      b.setAzure(azure(f.getAzure()));
    } else if (f.hasAliOSS()) {
      b.setAliOSS(alioss(f.getAliOSS()));
    }
    return b.build();
  }

  static LivekitEgress.ImageOutput images(LivekitEgress.ImageOutput f) {
    var b = f.toBuilder();
    if (f.hasS3()) {
      b.setS3(s3(f.getS3()));
    } else if (f.hasGcp()) {
      b.setGcp(gcp(f.getGcp()));
    } else if (f.hasAzure()) {
      b.setAzure(azure(f.getAzure()));
    } else if (f.hasAliOSS()) {
      b.setAliOSS(alioss(f.getAliOSS()));
    }
    return b.build();
  }

  static LivekitEgress.DirectFileOutput direct(LivekitEgress.DirectFileOutput f) {
    var b = f.toBuilder();
    if (f.hasS3()) {
      b.setS3(s3(f.getS3()));
    } else if (f.hasGcp()) {
      b.setGcp(gcp(f.getGcp()));
    } else if (f.hasAzure()) {
      b.setAzure(azure(f.getAzure()));
    } else if (f.hasAliOSS()) {
      b.setAliOSS(alioss(f.getAliOSS()));
    }
    return b.build();
  }

  private static <T> void each(List<T> in, java.util.function.Function<T, T> redact, java.util.function.Consumer<List<T>> set) {
    set.accept(in.stream().map(redact).toList());
  }

  static LivekitEgress.RoomCompositeEgressRequest roomComposite(LivekitEgress.RoomCompositeEgressRequest r) {
    var b = r.toBuilder();
    if (r.hasFile()) {
      b.setFile(file(r.getFile()));
    }
    if (r.hasStream()) {
      b.setStream(stream(r.getStream()));
    }
    if (r.hasSegments()) {
      b.setSegments(segments(r.getSegments()));
    }
    each(r.getFileOutputsList(), RequestRedaction::file, l -> b.clearFileOutputs().addAllFileOutputs(l));
    each(r.getStreamOutputsList(), RequestRedaction::stream, l -> b.clearStreamOutputs().addAllStreamOutputs(l));
    each(r.getSegmentOutputsList(), RequestRedaction::segments, l -> b.clearSegmentOutputs().addAllSegmentOutputs(l));
    each(r.getImageOutputsList(), RequestRedaction::images, l -> b.clearImageOutputs().addAllImageOutputs(l));
    return b.build();
  }

  static LivekitEgress.WebEgressRequest web(LivekitEgress.WebEgressRequest r) {
    var b = r.toBuilder();
    if (r.hasFile()) {
      b.setFile(file(r.getFile()));
    }
    if (r.hasStream()) {
      b.setStream(stream(r.getStream()));
    }
    if (r.hasSegments()) {
      b.setSegments(segments(r.getSegments()));
    }
    each(r.getFileOutputsList(), RequestRedaction::file, l -> b.clearFileOutputs().addAllFileOutputs(l));
    each(r.getStreamOutputsList(), RequestRedaction::stream, l -> b.clearStreamOutputs().addAllStreamOutputs(l));
    each(r.getSegmentOutputsList(), RequestRedaction::segments, l -> b.clearSegmentOutputs().addAllSegmentOutputs(l));
    each(r.getImageOutputsList(), RequestRedaction::images, l -> b.clearImageOutputs().addAllImageOutputs(l));
    return b.build();
  }

  static LivekitEgress.ParticipantEgressRequest participant(LivekitEgress.ParticipantEgressRequest r) {
    var b = r.toBuilder();
    each(r.getFileOutputsList(), RequestRedaction::file, l -> b.clearFileOutputs().addAllFileOutputs(l));
    each(r.getStreamOutputsList(), RequestRedaction::stream, l -> b.clearStreamOutputs().addAllStreamOutputs(l));
    each(r.getSegmentOutputsList(), RequestRedaction::segments, l -> b.clearSegmentOutputs().addAllSegmentOutputs(l));
    each(r.getImageOutputsList(), RequestRedaction::images, l -> b.clearImageOutputs().addAllImageOutputs(l));
    return b.build();
  }

  static LivekitEgress.TrackCompositeEgressRequest trackComposite(LivekitEgress.TrackCompositeEgressRequest r) {
    var b = r.toBuilder();
    if (r.hasFile()) {
      b.setFile(file(r.getFile()));
    }
    if (r.hasStream()) {
      b.setStream(stream(r.getStream()));
    }
    if (r.hasSegments()) {
      b.setSegments(segments(r.getSegments()));
    }
    each(r.getFileOutputsList(), RequestRedaction::file, l -> b.clearFileOutputs().addAllFileOutputs(l));
    each(r.getStreamOutputsList(), RequestRedaction::stream, l -> b.clearStreamOutputs().addAllStreamOutputs(l));
    each(r.getSegmentOutputsList(), RequestRedaction::segments, l -> b.clearSegmentOutputs().addAllSegmentOutputs(l));
    each(r.getImageOutputsList(), RequestRedaction::images, l -> b.clearImageOutputs().addAllImageOutputs(l));
    return b.build();
  }

  static LivekitEgress.TrackEgressRequest track(LivekitEgress.TrackEgressRequest r) {
    var b = r.toBuilder();
    if (r.hasFile()) {
      b.setFile(direct(r.getFile()));
    }
    if (!r.getWebsocketUrl().isEmpty()) {
      b.setWebsocketUrl(StreamUrls.redactQuery(r.getWebsocketUrl()));
    }
    return b.build();
  }

  static LivekitEgress.StartEgressRequest v2(LivekitEgress.StartEgressRequest r) {
    var b = r.toBuilder();
    if (r.hasStorage()) {
      b.setStorage(storage(r.getStorage()));
    }
    b.clearOutputs();
    for (LivekitEgress.Output o : r.getOutputsList()) {
      var ob = o.toBuilder();
      if (o.hasStream()) {
        ob.setStream(stream(o.getStream()));
      }
      if (o.hasStorage()) {
        ob.setStorage(storage(o.getStorage()));
      }
      b.addOutputs(ob);
    }
    return b.build();
  }
}
