package io.egressjava.webrtc.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/** jitsi-srtp's view of a packet: a byte array region that decryption shrinks and encryption grows. */
final class Buffer implements ByteArrayBuffer {
  private byte[] buffer;
  private int offset;
  private int length;

  Buffer(byte[] buffer, int length) {
    this.buffer = buffer;
    this.length = length;
  }

  @Override
  public byte[] getBuffer() {
    return buffer;
  }

  @Override
  public int getOffset() {
    return offset;
  }

  @Override
  public int getLength() {
    return length;
  }

  @Override
  public void setLength(int length) {
    this.length = length;
  }

  @Override
  public void setOffset(int offset) {
    this.offset = offset;
  }

  @Override
  public boolean isInvalid() {
    return false;
  }

  @Override
  public void readRegionToBuff(int off, int len, byte[] out) {
    System.arraycopy(buffer, offset + off, out, 0, len);
  }

  @Override
  public void grow(int howMuch) {
    if (offset + length + howMuch > buffer.length) {
      buffer = java.util.Arrays.copyOf(buffer, offset + length + howMuch);
    }
  }

  @Override
  public void append(byte[] data, int len) {
    grow(len);
    System.arraycopy(data, 0, buffer, offset + length, len);
    length += len;
  }

  @Override
  public void shrink(int len) {
    length = Math.max(0, length - len);
  }
}
