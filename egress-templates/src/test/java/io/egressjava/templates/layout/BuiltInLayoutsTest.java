package io.egressjava.templates.layout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java layouts place every tile exactly where the templates' page does: the page's own
 * layout.js runs under Node on the same cases (1 to 10 tiles, with and without a screen share and
 * an active speaker, three picture sizes, every layout name) and the boxes must be equal.
 */
class BuiltInLayoutsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LAYOUT_JS = Path.of("src/main/web/src/layout.js");

  /** Runs layout.js's effectiveLayout and arrange on each case: {name, tiles, speakers, width, height}. */
  private static JsonNode runLayoutJs(ArrayNode cases) throws Exception {
    String harness = """
        const src = require('fs').readFileSync(process.argv[1], 'utf8');
        import('data:text/javascript,' + encodeURIComponent(src)).then((m) => {
          const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
          const out = cases.map((c) => {
            const layout = m.effectiveLayout(c.name, c.tiles.some((t) => t.screen));
            return { layout, boxes: Object.fromEntries(m.arrange(layout, c.tiles, c.speakers, c.width, c.height)) };
          });
          process.stdout.write(JSON.stringify(out));
        });
        """;
    Process p = new ProcessBuilder("node", "-e", harness, LAYOUT_JS.toAbsolutePath().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().write(JSON.writeValueAsBytes(cases));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("node: %s", out).isZero();
    return JSON.readTree(out);
  }

  @Test
  void everyCaseMatchesThePage() throws Exception {
    assertThat(Files.exists(LAYOUT_JS)).isTrue();
    ArrayNode cases = JSON.createArrayNode();
    List<Object[]> javaCases = new ArrayList<>();
    int[][] sizes = {{1280, 720}, {640, 360}, {1920, 1080}};
    for (String name : List.of("grid", "speaker", "single-speaker", "speaker-light", "unknown")) {
      for (int n = 1; n <= 10; n++) {
        for (int variant = 0; variant < 3; variant++) {
          int[] size = sizes[(n + variant) % sizes.length];
          List<Tile> tiles = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            // joined out of order, so the sort matters; variant 2 makes the fourth a screen share
            tiles.add(new Tile("TR_" + i, "p" + (i % 7), variant == 2 && i == 3, (i * 7919L) % 13));
          }
          List<String> speakers = variant >= 1 ? List.of("p" + (n - 1) % 7, "p0") : List.of();
          ObjectNode c = cases.addObject().put("name", name).put("width", size[0]).put("height", size[1]);
          ArrayNode ts = c.putArray("tiles");
          tiles.forEach(t -> ts.addObject().put("id", t.id()).put("identity", t.identity()).put("screen", t.screen())
              .put("joined", t.joined()));
          speakers.forEach(c.putArray("speakers")::add);
          javaCases.add(new Object[] {name, tiles, speakers, size});
        }
      }
    }
    JsonNode page = runLayoutJs(cases);
    assertThat(page).hasSize(javaCases.size());
    int shown = 0;
    for (int i = 0; i < javaCases.size(); i++) {
      Object[] c = javaCases.get(i);
      @SuppressWarnings("unchecked")
      List<Tile> tiles = (List<Tile>) c[1];
      @SuppressWarnings("unchecked")
      List<String> speakers = (List<String>) c[2];
      int[] size = (int[]) c[3];
      String layout = BuiltInLayouts.effective((String) c[0], tiles.stream().anyMatch(Tile::screen));
      assertThat(layout).as("case %d", i).isEqualTo(page.get(i).get("layout").asText());
      Map<String, Box> expected = new LinkedHashMap<>();
      page.get(i).get("boxes").fields().forEachRemaining(e -> expected.put(e.getKey(),
          new Box(e.getValue().get("x").asInt(), e.getValue().get("y").asInt(), e.getValue().get("w").asInt(), e.getValue().get("h").asInt())));
      assertThat(BuiltInLayouts.arrange(layout, tiles, speakers, size[0], size[1])).as("case %d: %s %s", i, c[0], tiles)
          .isEqualTo(expected);
      shown += expected.size();
    }
    assertThat(shown).as("boxes compared").isGreaterThan(300);
  }
}
