package io.egressjava.pipeline;

import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.core.plan.StreamUrls;
import io.egressjava.media.ffmpeg.StreamPublisher;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;

/**
 * The plan's RTMP or SRT destinations on the transcode graph: each one's state goes into its
 * StreamInfo, destinations come and go with UpdateStream, and when the last output of the egress
 * was a stream and it failed, the egress fails with its error, as the reference's does.
 */
final class StreamOutputs {
  private final EgressContext ctx;
  private final PlannedOutputs.StreamOutput stream;
  private final StreamPublisher publisher;
  private final Consumer<PsrpcException> allFailed;

  /** @param allFailed called when no output of the egress is left because its last stream failed */
  StreamOutputs(EgressContext ctx, TranscodeGraph graph, Consumer<PsrpcException> allFailed) {
    this.ctx = ctx;
    this.stream = ctx.plan().stream();
    this.allFailed = allFailed;
    this.publisher = new StreamPublisher(stream.type() == OutputType.SRT ? "mpegts" : "flv",
        graph.videoEncoder(), graph.audioEncoder(), ctx.clock(), state -> {
          report(state);
          if (state.status() == StreamPublisher.Status.FAILED && noOutputLeft()) {
            this.allFailed.accept(new PsrpcException(PsrpcCode.UNAVAILABLE, state.error()));
          }
        });
    stream.targets().forEach(t -> publisher.add(t.url(), t.redacted()));
    graph.addStreams(publisher);
  }

  /** No stream is active and the egress has no other output (file, segments, each image output). */
  private boolean noOutputLeft() {
    var plan = ctx.plan();
    int others = (plan.file() != null ? 1 : 0) + (plan.segments() != null ? 1 : 0) + plan.images().size();
    return publisher.activeCount() == 0 && others == 0;
  }

  /** A stream's new state goes into its StreamInfo (found by redacted URL; the newest of that URL). */
  private void report(StreamPublisher.State state) {
    ctx.session().update(b -> {
      for (int i = b.getStreamResultsCount() - 1; i >= 0; i--) {
        if (b.getStreamResults(i).getUrl().equals(state.url())) {
          var s = b.getStreamResults(i).toBuilder()
              .setStatus(LivekitEgress.StreamInfo.Status.forNumber(state.status().ordinal()))
              .setError(state.error()).setRetries(state.retries());
          if (state.startedAt() != null) {
            s.setStartedAt(EgressContext.nanos(state.startedAt()));
          }
          if (state.endedAt() != null) {
            s.setEndedAt(EgressContext.nanos(state.endedAt()));
            if (state.startedAt() != null) {
              s.setDuration(EgressContext.nanos(state.endedAt()) - EgressContext.nanos(state.startedAt()));
            }
          }
          b.setStreamResults(i, s);
          break;
        }
      }
      syncLegacyStreamList(b);
    });
  }

  /** The deprecated {@code stream} field lists the same StreamInfos, for older clients. */
  private static void syncLegacyStreamList(EgressInfo.Builder b) {
    if (b.hasStream()) {
      b.setStream(LivekitEgress.StreamInfoList.newBuilder().addAllInfo(b.getStreamResultsList()));
    }
  }

  /**
   * UpdateStream: each URL is validated for the egress's stream type, a new one gets its StreamInfo
   * at once, a removed one ends FINISHED. Every URL is tried.
   */
  Update update(List<String> addUrls, List<String> removeUrls) {
    List<PsrpcException> errors = new ArrayList<>();
    for (String raw : addUrls) {
      try {
        StreamUrls.StreamTarget target = StreamUrls.validate(raw, stream.type());
        ctx.session().update(b -> {
          var info = LivekitEgress.StreamInfo.newBuilder().setUrl(target.redacted())
              .setStatus(LivekitEgress.StreamInfo.Status.ACTIVE);
          if (stream.type() != OutputType.RTMP) {
            info.setStartedAt(ctx.nowNanos());
          }
          b.addStreamResults(info);
          syncLegacyStreamList(b);
        });
        publisher.add(target.url(), target.redacted());
      } catch (PsrpcException e) {
        errors.add(e);
      }
    }
    for (String raw : removeUrls) {
      if (!publisher.remove(StreamUrls.resolve(raw))) {
        errors.add(EgressErrors.streamNotFound(raw));
      }
    }
    PsrpcException error = errors.isEmpty() ? null
        : new PsrpcException(errors.get(0).code(), String.join("\n", errors.stream().map(Throwable::getMessage).toList()));
    return new Update(!removeUrls.isEmpty() && noOutputLeft(), error);
  }

  /**
   * @param noneLeft removing left the egress without any output ("All streams stopped")
   * @param error every URL's error together, coded as the first; null when all were taken
   */
  record Update(boolean noneLeft, PsrpcException error) {}
}
