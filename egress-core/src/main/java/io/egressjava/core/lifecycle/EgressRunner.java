package io.egressjava.core.lifecycle;

import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.plan.EgressPlan;
import java.util.List;

/**
 * What records one egress (sources → media → sinks → storage). It reports progress through the
 * {@link EgressSession}: {@link EgressSession#active()} once media flows, then
 * {@link EgressSession#complete}, {@link EgressSession#fail} or {@link EgressSession#limitReached}.
 */
public interface EgressRunner {

  /** Starts recording without blocking. */
  void start(EgressPlan plan, EgressSession session);

  /** Ends gracefully: finalize and upload outputs, then complete the session. */
  void stop();

  /**
   * Stops recording until {@link #resume}: media captured from now on never reaches an output
   * ({@code mode} says whether the span is left out or kept as black and silence). False when
   * already paused or ending.
   */
  default boolean pause(PauseMode mode) {
    throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "this egress cannot pause");
  }

  /** Records again from now; false when not paused. */
  default boolean resume() {
    throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "this egress cannot pause");
  }

  /**
   * Leaves out {@code exclude} and records {@code include} again (selectors as {@link
   * io.egressjava.core.media.TrackFilter} reads them), from now on.
   */
  default void select(List<String> exclude, List<String> include) {
    throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "this egress cannot leave participants out");
  }

  /** Does what an UpdateLayout or the control endpoint asks (see {@link LayoutControl}). */
  default void control(LayoutControl control) {
    if (control.selects()) {
      select(control.exclude(), control.include());
    }
    if (Boolean.TRUE.equals(control.paused())) {
      pause(control.pauseMode());
    } else if (Boolean.FALSE.equals(control.paused())) {
      resume();
    }
  }

  /** Its media graph as a Graphviz DOT digraph, for the debug port (the Go egress dumps GStreamer's). */
  default String describe() {
    return "digraph egress {\n  runner [label=\"" + getClass().getSimpleName() + "\"];\n}\n";
  }

  /** Adds and removes stream URLs while running. */
  default void updateStream(List<String> addUrls, List<String> removeUrls) {
    throw EgressErrors.nonStreamingPipeline();
  }
}
