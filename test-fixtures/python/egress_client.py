"""LiveKit's Python server SDK (livekit-api) as an Egress API client, for requests the Kotlin SDK
cannot send (the v2 StartEgress). Usage:

    egress_client.py --url http://host:7880 --api-key K --api-secret S start_egress '<protojson>'

Prints the answer as protojson on stdout; a Twirp error prints "TWIRP <code> <message>" and exits 3.
"""
import argparse
import asyncio
import sys

from google.protobuf import json_format
from livekit import api

REQUESTS = {
    "start_egress": api.StartEgressRequest,
    "update_stream": api.UpdateStreamRequest,
    "update_layout": api.UpdateLayoutRequest,
    "list_egress": api.ListEgressRequest,
    "stop_egress": api.StopEgressRequest,
}


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", default="devkey")
    p.add_argument("--api-secret", default="secret")
    p.add_argument("method", choices=sorted(REQUESTS))
    p.add_argument("request", help="the request as protojson")
    args = p.parse_args()
    request = json_format.Parse(args.request, REQUESTS[args.method]())
    async with api.LiveKitAPI(args.url, args.api_key, args.api_secret) as lk:
        try:
            answer = await getattr(lk.egress, args.method)(request)
        except api.TwirpError as e:
            print(f"TWIRP {e.code} {e.message}", flush=True)
            sys.exit(3)
    print(json_format.MessageToJson(answer, preserving_proto_field_name=True, indent=None), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
