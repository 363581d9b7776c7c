package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a release ships beside the code: the Apache 2.0 LICENSE, a NOTICE that names the GPL FFmpeg
 * build of the server distribution at the version the build uses, and a BOM that lists every
 * library module at the parent's version.
 */
class ReleaseArtifactsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** Reactor modules that are not libraries users depend on. */
  private static final Set<String> NOT_LIBRARIES = Set.of("egress-bom", "egress-test-rig", "egress-sources", "egress-examples",
      "egress-examples-embedded", "egress-docs", "egress-bench");

  @Test
  void licenseAndNoticeAtTheRoot() throws Exception {
    assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0, January 2004");
    Document parent = parse(ROOT.resolve("pom.xml"));
    String ffmpeg = text(parent.getDocumentElement(), "properties", "ffmpeg.version");
    assertThat(Files.readString(ROOT.resolve("NOTICE")))
        .contains("linux-x86_64-gpl").contains(ffmpeg).contains("GNU General Public License")
        .contains("GNU Lesser General Public License");
    assertThat(Files.readString(ROOT.resolve("egress-server/pom.xml"))).contains("<classifier>linux-x86_64-gpl</classifier>");
  }

  @Test
  void bomListsEveryLibraryModuleAtTheParentsVersion() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    String version = text(parent.getDocumentElement(), "version");
    List<String> libraries = new ArrayList<>();
    collectModules(ROOT, libraries);
    libraries.removeAll(NOT_LIBRARIES);

    Document bom = parse(ROOT.resolve("egress-bom/pom.xml"));
    assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(version);
    assertThat(child(bom.getDocumentElement(), "parent")).as("no parent: importing it pins our modules only").isNull();
    List<String> listed = new ArrayList<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertThat(text(d, "groupId")).isEqualTo("io.egressjava");
      assertThat(text(d, "version")).as(text(d, "artifactId")).isEqualTo(version);
      listed.add(text(d, "artifactId"));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(libraries);
  }

  /** The artifactIds of {@code dir}'s modules, recursively. */
  private static void collectModules(Path dir, List<String> into) throws Exception {
    Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
    Element modules = child(project, "modules");
    if (modules == null) {
      return;
    }
    NodeList list = modules.getElementsByTagName("module");
    for (int i = 0; i < list.getLength(); i++) {
      Path module = dir.resolve(list.item(i).getTextContent().trim());
      into.add(text(parse(module.resolve("pom.xml")).getDocumentElement(), "artifactId"));
      collectModules(module, into);
    }
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String text(Element e, String... path) {
    Element at = e;
    for (String name : path) {
      at = child(at, name);
      assertThat(at).as("<%s> in %s", name, String.join("/", path)).isNotNull();
    }
    return at.getTextContent().trim();
  }
}
