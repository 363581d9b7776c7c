#!/usr/bin/env python3
"""The module graph from the POMs, drawn in layers (Mermaid), and a check that every compile or
runtime dependency between our modules points down the layers: an egress's path runs
server -> embedded -> pipeline -> {sources, sinks} -> {storage, media} -> core (the SPIs) -> api.

  scripts/module-graph.py            prints the drawing
  scripts/module-graph.py --check    fails on an arrow up a layer, a module without a layer, or a
                                     docs/modules.md whose drawing is not the POMs' (run by scripts/test.sh)
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
NS = {"m": "http://maven.apache.org/POM/4.0.0"}
# top first; a module may depend on its own layer's or any lower layer's modules, never a higher one's
LAYERS = [
    ("apps", ["egress-examples", "egress-examples-embedded", "egress-bench"]),
    ("control plane", ["egress-server"]),
    ("library entry", ["egress-embedded"]),
    ("pipeline", ["egress-pipeline"]),
    ("sources and sinks", ["egress-source-browser", "egress-source-room", "egress-sinks"]),
    ("storage, media, transport", ["egress-storage", "egress-media-ffmpeg", "egress-webrtc", "egress-psrpc", "egress-templates"]),
    ("core: plans and SPIs", ["egress-core", "egress-test-rig"]),
    ("api", ["egress-api"]),
]
LAYER = {m: i for i, (_, ms) in enumerate(LAYERS) for m in ms}
SKIP = {"egress-parent", "egress-sources", "egress-docs", "egress-bom"}  # no code: aggregators, docs, the BOM


def modules():
    """artifactId -> internal compile/runtime dependencies."""
    graph = {}
    for pom in ROOT.glob("**/pom.xml"):
        if "target" in pom.parts or "node_modules" in pom.parts:
            continue
        p = ET.parse(pom).getroot()
        name = p.find("m:artifactId", NS).text
        if name in SKIP:
            continue
        deps = set()
        for d in p.findall("m:dependencies/m:dependency", NS):
            group = d.findtext("m:groupId", "", NS)
            scope = d.findtext("m:scope", "compile", NS)
            if group == "io.egressjava" and scope in ("compile", "runtime") and d.findtext("m:type", "jar", NS) == "jar":
                deps.add(d.find("m:artifactId", NS).text)
        graph[name] = deps
    return graph


def drawing(graph):
    out = ["```mermaid", "graph TD"]
    for i, (label, members) in enumerate(LAYERS):
        out.append(f'  subgraph L{i}["{label}"]')
        out += [f"    {m}" for m in members if m in graph]
        out.append("  end")
    for m in sorted(graph):
        for d in sorted(graph[m]):
            out.append(f"  {m} --> {d}")
    out.append("```")
    return "\n".join(out) + "\n"


def main():
    graph = modules()
    text = drawing(graph)
    if "--check" not in sys.argv:
        print(text, end="")
        return 0
    problems = [f"{m} has no layer in scripts/module-graph.py" for m in graph if m not in LAYER]
    for m, deps in graph.items():
        for d in deps:
            if m in LAYER and d in LAYER and LAYER[d] < LAYER[m]:
                problems.append(f"{m} ({LAYERS[LAYER[m]][0]}) depends on {d} ({LAYERS[LAYER[d]][0]}): an arrow up the layers")
    doc = (ROOT / "docs" / "modules.md").read_text()
    if text not in doc:
        problems.append("docs/modules.md does not hold the current drawing: run scripts/module-graph.py and paste it")
    for p in problems:
        print("module graph:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
