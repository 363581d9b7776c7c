package io.egressjava.webrtc.ice;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN subset ICE connectivity checks use (RFC 8489 framing, RFC 8445 attributes): binding
 * requests and responses with USERNAME, PRIORITY, ICE-CONTROLLED/-CONTROLLING, USE-CANDIDATE,
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (short-term credential: HMAC-SHA1 keyed by the password)
 * and FINGERPRINT.
 */
public final class StunMessage {
  public static final int BINDING_REQUEST = 0x0001;
  public static final int BINDING_SUCCESS = 0x0101;
  public static final int BINDING_ERROR = 0x0111;
  static final int MAGIC_COOKIE = 0x2112A442;

  static final int USERNAME = 0x0006;
  static final int MESSAGE_INTEGRITY = 0x0008;
  static final int ERROR_CODE = 0x0009;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  static final int PRIORITY = 0x0024;
  static final int USE_CANDIDATE = 0x0025;
  static final int FINGERPRINT = 0x8028;
  static final int ICE_CONTROLLED = 0x8029;
  static final int ICE_CONTROLLING = 0x802A;
  private static final int FINGERPRINT_XOR = 0x5354554e;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One attribute; {@code valueOffset} points into the parsed datagram. */
  record Attribute(int type, int valueOffset, int length) {}

  private final int type;
  private final byte[] transactionId;
  private final byte[] raw;
  private final List<Attribute> attributes;

  private StunMessage(int type, byte[] transactionId, byte[] raw, List<Attribute> attributes) {
    this.type = type;
    this.transactionId = transactionId;
    this.raw = raw;
    this.attributes = attributes;
  }

  /** Whether a datagram looks like STUN (RFC 7983: first byte 0..3 and the magic cookie). */
  public static boolean isStun(byte[] b, int length) {
    return length >= 20 && (b[0] & 0xC0) == 0 && ByteBuffer.wrap(b, 4, 4).getInt() == MAGIC_COOKIE;
  }

  public static StunMessage parse(byte[] b, int length) {
    if (!isStun(b, length)) {
      throw new IllegalArgumentException("not a STUN message");
    }
    ByteBuffer in = ByteBuffer.wrap(b, 0, length);
    int type = in.getShort() & 0xFFFF;
    int bodyLength = in.getShort() & 0xFFFF;
    if (20 + bodyLength > length) {
      throw new IllegalArgumentException("truncated STUN message");
    }
    in.getInt();
    byte[] tx = new byte[12];
    in.get(tx);
    byte[] raw = java.util.Arrays.copyOf(b, 20 + bodyLength);
    List<Attribute> attrs = new ArrayList<>();
    int p = 20;
    while (p + 4 <= 20 + bodyLength) {
      int at = ((raw[p] & 0xFF) << 8) | (raw[p + 1] & 0xFF);
      int al = ((raw[p + 2] & 0xFF) << 8) | (raw[p + 3] & 0xFF);
      if (p + 4 + al > 20 + bodyLength) {
        throw new IllegalArgumentException("truncated STUN attribute");
      }
      attrs.add(new Attribute(at, p + 4, al));
      p += 4 + ((al + 3) & ~3);
    }
    return new StunMessage(type, tx, raw, attrs);
  }

  public int type() {
    return type;
  }

  public byte[] transactionId() {
    return transactionId.clone();
  }

  boolean has(int attributeType) {
    return find(attributeType) != null;
  }

  private Attribute find(int attributeType) {
    for (Attribute a : attributes) {
      if (a.type() == attributeType) {
        return a;
      }
    }
    return null;
  }

  public String username() {
    Attribute a = find(USERNAME);
    return a == null ? null : new String(raw, a.valueOffset(), a.length(), StandardCharsets.UTF_8);
  }

  public long priority() {
    Attribute a = find(PRIORITY);
    return a == null ? 0 : ByteBuffer.wrap(raw, a.valueOffset(), 4).getInt() & 0xFFFFFFFFL;
  }

  public boolean useCandidate() {
    return has(USE_CANDIDATE);
  }

  public boolean controlling() {
    return has(ICE_CONTROLLING);
  }

  /** The STUN error code, or 0. */
  public int errorCode() {
    Attribute a = find(ERROR_CODE);
    return a == null || a.length() < 4 ? 0 : (raw[a.valueOffset() + 2] & 0x7) * 100 + (raw[a.valueOffset() + 3] & 0xFF);
  }

  /**
   * Checks MESSAGE-INTEGRITY (RFC 8489 §14.5: HMAC over the message up to the attribute, with the
   * header length counting up to and including it) and, when present, FINGERPRINT.
   */
  public boolean verify(String password) {
    Attribute mi = find(MESSAGE_INTEGRITY);
    if (mi == null || mi.length() != 20) {
      return false;
    }
    int miStart = mi.valueOffset() - 4;
    byte[] signed = java.util.Arrays.copyOf(raw, miStart);
    int lengthWithMi = miStart + 24 - 20;
    signed[2] = (byte) (lengthWithMi >> 8);
    signed[3] = (byte) lengthWithMi;
    byte[] expected = hmac(password, signed, signed.length);
    byte[] actual = java.util.Arrays.copyOfRange(raw, mi.valueOffset(), mi.valueOffset() + 20);
    if (!MessageDigest.isEqual(expected, actual)) {
      return false;
    }
    Attribute fp = find(FINGERPRINT);
    if (fp != null) {
      int fpStart = fp.valueOffset() - 4;
      CRC32 crc = new CRC32();
      crc.update(raw, 0, fpStart);
      int value = ByteBuffer.wrap(raw, fp.valueOffset(), 4).getInt();
      return value == ((int) crc.getValue() ^ FINGERPRINT_XOR);
    }
    return true;
  }

  /** The XOR-MAPPED-ADDRESS of a success response, or null. */
  public InetSocketAddress xorMappedAddress() {
    Attribute a = find(XOR_MAPPED_ADDRESS);
    if (a == null || a.length() < 8) {
      return null;
    }
    int o = a.valueOffset();
    int family = raw[o + 1];
    int port = (((raw[o + 2] & 0xFF) << 8) | (raw[o + 3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
    byte[] addr = new byte[family == 1 ? 4 : 16];
    byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
    for (int i = 0; i < addr.length; i++) {
      addr[i] = (byte) (raw[o + 4 + i] ^ mask[i]);
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public static byte[] newTransactionId() {
    byte[] tx = new byte[12];
    RANDOM.nextBytes(tx);
    return tx;
  }

  /** Builds a message; attributes are appended in order, then integrity and fingerprint. */
  public static final class Builder {
    private final ByteBuffer out = ByteBuffer.allocate(512);
    private final byte[] transactionId;

    public Builder(int type, byte[] transactionId) {
      this.transactionId = transactionId;
      out.putShort((short) type).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
    }

    private Builder attribute(int type, byte[] value) {
      out.putShort((short) type).putShort((short) value.length).put(value);
      for (int pad = (4 - value.length % 4) % 4; pad > 0; pad--) {
        out.put((byte) 0);
      }
      return this;
    }

    public Builder username(String username) {
      return attribute(USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public Builder priority(long priority) {
      return attribute(PRIORITY, ByteBuffer.allocate(4).putInt((int) priority).array());
    }

    public Builder useCandidate() {
      return attribute(USE_CANDIDATE, new byte[0]);
    }

    public Builder role(boolean controlling, long tieBreaker) {
      return attribute(controlling ? ICE_CONTROLLING : ICE_CONTROLLED, ByteBuffer.allocate(8).putLong(tieBreaker).array());
    }

    public Builder errorCode(int code, String reason) {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      return attribute(ERROR_CODE, ByteBuffer.allocate(4 + text.length).putShort((short) 0)
          .put((byte) (code / 100)).put((byte) (code % 100)).put(text).array());
    }

    public Builder xorMappedAddress(InetSocketAddress address) {
      byte[] addr = address.getAddress().getAddress();
      byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
      ByteBuffer v = ByteBuffer.allocate(4 + addr.length);
      v.put((byte) 0).put((byte) (address.getAddress() instanceof Inet4Address ? 1 : 2))
          .putShort((short) (address.getPort() ^ (MAGIC_COOKIE >>> 16)));
      for (int i = 0; i < addr.length; i++) {
        v.put((byte) (addr[i] ^ mask[i]));
      }
      return attribute(XOR_MAPPED_ADDRESS, v.array());
    }

    /** Appends MESSAGE-INTEGRITY (when a password is given) and FINGERPRINT; returns the datagram. */
    public byte[] build(String password) {
      if (password != null) {
        setLength(out.position() - 20 + 24);
        byte[] mac = hmac(password, out.array(), out.position());
        attribute(MESSAGE_INTEGRITY, mac);
      }
      setLength(out.position() - 20 + 8);
      CRC32 crc = new CRC32();
      crc.update(out.array(), 0, out.position());
      attribute(FINGERPRINT, ByteBuffer.allocate(4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR).array());
      return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private void setLength(int length) {
      out.putShort(2, (short) length);
    }
  }

  private static byte[] hmac(String password, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
