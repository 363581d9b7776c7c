package io.egressjava.source.room.rtp;

/** A whole encoded frame as the publisher's encoder produced it, with its RTP timestamp. */
public record EncodedFrame(byte[] data, long rtpTimestamp, boolean keyFrame) {}
