package io.egressjava.core.plan;

import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.plan.PlannedOutputs.FileOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageOutput;
import io.egressjava.core.plan.PlannedOutputs.SegmentOutput;
import io.egressjava.core.plan.PlannedOutputs.StreamOutput;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;

/**
 * Everything decided from a request before any process, socket or native object exists
 * (architecture.md §1). Immutable; built by {@link EgressPlanner}.
 *
 * @param info the EgressInfo to report first: STARTING, request copy redacted, results named
 * @param sessionLimit the shortest session limit for these outputs, or zero for none
 */
public record EgressPlan(
    String egressId,
    String roomId,
    String roomName,
    RequestType requestType,
    LivekitEgress.EgressSourceType sourceType,
    int retryCount,
    String token,
    String wsUrl,
    Source source,
    boolean passthrough,
    Audio audio,
    Video video,
    Encoding encoding,
    FileOutput file,
    SegmentOutput segments,
    StreamOutput stream,
    List<ImageOutput> images,
    Duration sessionLimit,
    boolean manifest,
    Naming naming,
    EgressInfo info) {

  /**
   * What to capture: a web page, or tracks of a room. Unused fields are empty.
   *
   * @param builtInLayout a room composite on a built-in layout (not a custom page): it can be composed
   *     without a browser ({@code room_composite_renderer: native})
   * @param roomAudioToken for a room composite on the built-in templates: the join token of the
   *     participant that mixes the room's sound beside the page (which then plays none); empty when
   *     the sound is the page's
   */
  public record Source(
      String webUrl,
      String layout,
      boolean awaitStartSignal,
      String trackId,
      String audioTrackId,
      String videoTrackId,
      String identity,
      boolean screenShare,
      boolean captureAllAudio,
      List<LivekitEgress.AudioRoute> audioRoutes,
      LivekitEgress.AudioMixing audioMixing,
      String roomAudioToken,
      boolean builtInLayout) {

    /** Whether the room's sound is mixed from its tracks rather than captured from the page. */
    public boolean mixesRoomAudio() {
      return !roomAudioToken.isEmpty();
    }
  }

  /** {@code codec} is the output codec (null when audio is off or passed through). */
  public record Audio(boolean enabled, boolean transcode, MediaCodec codec) {}

  public record Video(boolean enabled, boolean decode, MediaCodec codec) {}

  /** How outputs without explicit names are named: identifier and placeholder values. */
  public record Naming(String identifier, Placeholders placeholders) {}

  public boolean hasOutputs() {
    return file != null || segments != null || stream != null || !images.isEmpty();
  }

  /**
   * Whether a page is rendered for this egress (web egress, a room composite with pictures): not
   * for an audio-only room composite whose sound the egress mixes from the room's tracks itself.
   */
  public boolean rendersPage() {
    return sourceType == LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_WEB
        && !(source.mixesRoomAudio() && !video.enabled());
  }
}
