package io.egressjava.core.plan;

/** The kind of egress, with the label the reference uses in metrics and config overrides. */
public enum RequestType {
  ROOM_COMPOSITE("room_composite"),
  WEB("web"),
  PARTICIPANT("participant"),
  TRACK_COMPOSITE("track_composite"),
  TRACK("track"),
  TEMPLATE("template"),
  MEDIA("media");

  private final String label;

  RequestType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
