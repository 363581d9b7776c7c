package io.egressjava.pipeline;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import java.util.List;

/**
 * An egress's media graph as a Graphviz DOT digraph, for the debug port (the Go egress dumps its
 * GStreamer pipeline as dot files): its source, the transcode graph (each encoder with its settings,
 * each output), and the parts that bypass it (passthrough, WebSocket, streams).
 */
final class GraphDump {
  private GraphDump() {}

  /** @param bypasses the passthrough, WebSocket and stream outputs (null where the egress has none) */
  static String dot(EgressPlan plan, MediaSource source, TranscodeGraph graph, List<?> bypasses, String state) {
    StringBuilder b = new StringBuilder("digraph \"").append(plan.egressId()).append("\" {\n  rankdir=LR;\n");
    b.append("  source [shape=box,label=\"").append(source.getClass().getSimpleName()).append("\\n")
        .append(plan.requestType().label()).append(plan.roomName().isEmpty() ? "" : " " + quoted(plan.roomName()))
        .append("\"];\n");
    if (graph != null) {
      b.append(graph.dot("source"));
    }
    for (Object part : bypasses) {
      if (part != null) {
        String id = part.getClass().getSimpleName();
        b.append("  ").append(id).append(" [label=\"").append(id).append("\"];\n  source -> ").append(id).append(";\n");
      }
    }
    return b.append("  state [shape=note,label=\"").append(quoted(state)).append("\"];\n}\n").toString();
  }

  private static String quoted(String s) {
    return s.replace("\"", "'");
  }
}
