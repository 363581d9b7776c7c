"""Parses Prometheus text exposition from stdin with the official Python client's parser
(prometheus_client.parser) and prints its families as JSON: a test's proof that /metrics is
valid for Prometheus, read by Prometheus's own code rather than ours."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    families = []
    for family in text_string_to_metric_families(sys.stdin.read()):
        families.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
        })
    json.dump(families, sys.stdout, allow_nan=True)


if __name__ == "__main__":
    main()
