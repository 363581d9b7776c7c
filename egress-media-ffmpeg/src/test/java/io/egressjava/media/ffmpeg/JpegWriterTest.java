package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.plan.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JpegWriterTest {

  @Test
  void scaledJpegsThatDecodeAndDiffer(@TempDir Path tmp) throws Exception {
    Encoding e = new Encoding(1280, 720, 24, 30, 3000, 0, "main", 128, 44100);
    try (VideoEncoder source = new VideoEncoder(e, false, false); JpegWriter jpeg = new JpegWriter(320, 180)) {
      var frame = source.writableFrame();
      TestMedia.fillFrame(frame, 0);
      long size0 = jpeg.write(frame, tmp.resolve("thumbs/t_00000.jpeg"));
      TestMedia.fillFrame(frame, 45);
      jpeg.write(frame, tmp.resolve("thumbs/t_00001.jpeg"));
      jpeg.write(frame, tmp.resolve("thumbs/t.jpeg"));
      TestMedia.fillFrame(frame, 90);
      jpeg.write(frame, tmp.resolve("thumbs/t.jpeg")); // overwritten in place

      assertThat(size0).isPositive();
      JsonNode img = Probe.stream(Probe.info(tmp.resolve("thumbs/t_00000.jpeg")), "video");
      assertThat(img.get("codec_name").asText()).isEqualTo("mjpeg");
      assertThat(img.get("width").asInt()).isEqualTo(320);
      assertThat(img.get("height").asInt()).isEqualTo(180);
      assertThat(Files.readAllBytes(tmp.resolve("thumbs/t_00000.jpeg"))).isNotEqualTo(Files.readAllBytes(tmp.resolve("thumbs/t_00001.jpeg")));
      assertThat(Files.readAllBytes(tmp.resolve("thumbs/t.jpeg"))).isNotEqualTo(Files.readAllBytes(tmp.resolve("thumbs/t_00001.jpeg")));
      try (var files = Files.list(tmp.resolve("thumbs"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("t_00000.jpeg", "t_00001.jpeg", "t.jpeg");
      }
    }
  }
}
