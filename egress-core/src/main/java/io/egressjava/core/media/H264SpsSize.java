package io.egressjava.core.media;

/**
 * The picture size an H.264 SPS declares (ITU-T H.264 §7.3.2.1.1), for containers that need it
 * before the first frame when the publisher did not announce dimensions.
 */
public final class H264SpsSize {
  private final byte[] rbsp;
  private int bit;

  private H264SpsSize(byte[] rbsp) {
    this.rbsp = rbsp;
  }

  /** {width, height} from the first SPS in an Annex B access unit, or null when there is none or it is malformed. */
  public static int[] of(byte[] accessUnit) {
    byte[] sets = H264Parameters.parameterSetsOrNull(accessUnit);
    if (sets == null || sets.length < 9 || (sets[4] & 0x1F) != 7) {
      return null;
    }
    int end = 4;
    while (end + 3 < sets.length && !(sets[end] == 0 && sets[end + 1] == 0 && sets[end + 2] == 0 && sets[end + 3] == 1)) {
      end++;
    }
    if (end + 3 >= sets.length) {
      end = sets.length;
    }
    try {
      return new H264SpsSize(unescape(sets, 5, end)).parse();
    } catch (ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** Removes emulation-prevention bytes (00 00 03 → 00 00). */
  private static byte[] unescape(byte[] b, int from, int to) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(to - from);
    int zeros = 0;
    for (int i = from; i < to; i++) {
      if (zeros >= 2 && b[i] == 3) {
        zeros = 0;
        continue;
      }
      zeros = b[i] == 0 ? zeros + 1 : 0;
      out.write(b[i]);
    }
    return out.toByteArray();
  }

  private int[] parse() {
    int profile = bits(8);
    bits(16); // constraint flags, level
    ue(); // seq_parameter_set_id
    int chroma = 1;
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
        || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134
        || profile == 135) {
      chroma = ue();
      if (chroma == 3) {
        bits(1); // separate_colour_plane_flag
      }
      ue(); // bit_depth_luma_minus8
      ue(); // bit_depth_chroma_minus8
      bits(1); // qpprime_y_zero_transform_bypass_flag
      if (bits(1) == 1) { // seq_scaling_matrix_present_flag
        for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
          if (bits(1) == 1) {
            skipScalingList(i < 6 ? 16 : 64);
          }
        }
      }
    }
    ue(); // log2_max_frame_num_minus4
    int pocType = ue();
    if (pocType == 0) {
      ue();
    } else if (pocType == 1) {
      bits(1);
      se();
      se();
      int n = ue();
      for (int i = 0; i < n; i++) {
        se();
      }
    }
    ue(); // max_num_ref_frames
    bits(1); // gaps_in_frame_num_value_allowed_flag
    int widthMbs = ue() + 1;
    int heightMapUnits = ue() + 1;
    int frameMbsOnly = bits(1);
    if (frameMbsOnly == 0) {
      bits(1); // mb_adaptive_frame_field_flag
    }
    bits(1); // direct_8x8_inference_flag
    int cropLeft = 0;
    int cropRight = 0;
    int cropTop = 0;
    int cropBottom = 0;
    if (bits(1) == 1) {
      cropLeft = ue();
      cropRight = ue();
      cropTop = ue();
      cropBottom = ue();
    }
    int cropUnitX = chroma == 0 || chroma == 3 ? 1 : 2;
    int cropUnitY = (chroma == 1 ? 2 : 1) * (2 - frameMbsOnly);
    int width = widthMbs * 16 - (cropLeft + cropRight) * cropUnitX;
    int height = (2 - frameMbsOnly) * heightMapUnits * 16 - (cropTop + cropBottom) * cropUnitY;
    return new int[] {width, height};
  }

  private void skipScalingList(int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        next = (last + se() + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  private int bits(int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 1) | ((rbsp[bit >> 3] >> (7 - (bit & 7))) & 1);
      bit++;
    }
    return v;
  }

  private int ue() {
    int zeros = 0;
    while (bits(1) == 0) {
      zeros++;
      if (zeros > 31) {
        throw new ArrayIndexOutOfBoundsException("bad exp-Golomb code");
      }
    }
    return (int) ((1L << zeros) - 1 + (zeros == 0 ? 0 : bits(zeros)));
  }

  private int se() {
    int k = ue();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }
}
