"""A test publisher on LiveKit's Python SDK (livekit.rtc: LiveKit's Rust SDK with libwebrtc inside).

It joins a room and publishes a camera and a microphone track driven by one clock: once a second a
white flash (100 ms) and a beep (100 ms) start together; in between the picture is grey with a
moving block (every frame differs) and the sound is silence. The block travels the middle half of the
width only: a layout's tile that fills its region by cropping the picture (a 16:9 camera in a grid
cell of 640x720 loses a quarter of the width on each side) still shows it in every frame. With --counter the grey of second n is
40 + 5 * (n % 30), so a checker can tell which seconds a recording holds; "SECOND n <unix µs>" is
printed as each begins. Tests use it as a libwebrtc publisher
that the project did not write. Prints PUBLISHING once both tracks are published, then runs until
--seconds have passed or it gets SIGTERM.
"""
import argparse
import asyncio
import math
import signal
import time

import numpy as np
from livekit import api, rtc

RATE = 48000
CHUNK = RATE // 100  # 10 ms of audio per capture
LATE = 0.030  # the camera loop this far behind its clock skips frames


def token(args):
    return (api.AccessToken(args.api_key, args.api_secret).with_identity(args.identity)
            .with_name(args.identity)
            .with_grants(api.VideoGrants(room_join=True, room=args.room)).to_jwt())


def i420_frames(width, height, level=90, tint=(128, 128)):
    """The grey picture and the white one (I420); the moving block is drawn per frame."""
    y, uv = width * height, (width // 2) * (height // 2)
    grey = np.empty(y + 2 * uv, dtype=np.uint8)
    grey[:y] = level
    grey[y:y + uv] = tint[0]
    grey[y + uv:] = tint[1]
    white = grey.copy()
    white[:y] = 235
    return grey, white


async def publish_video(room, args):
    width, height = map(int, args.video.split("x"))
    source = rtc.VideoSource(width, height)
    track = rtc.LocalVideoTrack.create_video_track("camera", source)
    codec = {"vp8": rtc.VideoCodec.VP8, "vp9": rtc.VideoCodec.VP9, "h264": rtc.VideoCodec.H264}[args.codec]
    kind = rtc.TrackSource.SOURCE_SCREENSHARE if args.screen else rtc.TrackSource.SOURCE_CAMERA
    opts = rtc.TrackPublishOptions(source=kind, video_codec=codec,
                                   simulcast=args.simulcast,
                                   video_encoding=rtc.VideoEncoding(max_bitrate=args.bitrate * 1000,
                                                                    max_framerate=args.fps))
    publication = await room.local_participant.publish_track(track, opts)
    if args.mute_video_after > 0:
        async def mute_later():
            await asyncio.sleep(args.mute_video_after)
            track.mute()
            print("MUTED VIDEO", flush=True)
        asyncio.get_running_loop().create_task(mute_later())
    return source


def pattern_frame(width, height, seed, tint):
    """A still picture with structure at the scale of a face or a slide (gradients, blocks, a disc),
    different per seed: what renderers can be compared on (SSIM needs structure, flat colour is trivial)."""
    yy, xx = np.mgrid[0:height, 0:width]
    luma = 40 + 150 * xx / max(1, width - 1)
    cell = max(8, height // 4)
    luma = luma + np.where(((xx // cell) + (yy // cell) + seed) % 2 == 0, 30, -30)
    cx, cy, r = width * (0.3 + 0.1 * (seed % 5)), height * 0.5, height * 0.3
    luma = np.where((xx - cx) ** 2 + (yy - cy) ** 2 < r * r, 235 - 20 * (seed % 3), luma)
    y = np.clip(luma, 16, 235).astype(np.uint8).ravel()
    uv = (width // 2) * (height // 2)
    return np.concatenate([y, np.full(uv, tint[0], np.uint8), np.full(uv, tint[1], np.uint8)])


async def send_video(source, args, t0, stop):
    width, height = map(int, args.video.split("x"))
    tint = tuple(map(int, args.tint.split(",")))
    grey, white = i420_frames(width, height, tint=tint)
    block = max(16, height // 12)
    still = pattern_frame(width, height, args.pattern, tint) if args.pattern >= 0 else None
    i = 0
    while not stop.is_set():
        due = t0 + i / args.fps
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -LATE:
            i = int((time.monotonic() - t0) * args.fps)  # a camera skips frames, it does not fall behind
            print(f"video fell {-delay * 1000:.0f} ms behind; skipped ahead", flush=True)
        t = i / args.fps
        if still is not None:
            source.capture_frame(rtc.VideoFrame(width, height, rtc.VideoBufferType.I420, still.tobytes()))
            i += 1
            continue
        flash = (t % 1.0) < args.flash
        if args.counter and (t % 1.0) < 1 / args.fps:
            grey, white = i420_frames(width, height, 40 + 5 * (int(t) % 30), tint)
            print(f"SECOND {int(t)} {time.time() * 1e6:.0f}", flush=True)
        buf = (white if flash else grey).copy()
        x = width // 4 + (i * 8) % max(1, width // 2 - block)
        rows = buf[:width * height].reshape(height, width)
        rows[height // 2 - block // 2:height // 2 + block // 2, x:x + block] = 16 if flash else 220
        frame = rtc.VideoFrame(width, height, rtc.VideoBufferType.I420, buf.tobytes())
        source.capture_frame(frame)  # stamped by the SDK with the time it is handed over
        if flash and (t % 1.0) < 1 / args.fps:
            print(f"FLASH {time.time() * 1e6:.0f}", flush=True)
        i += 1


async def publish_audio(room, args):
    source = rtc.AudioSource(RATE, 1, queue_size_ms=args.audio_queue_ms)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
    opts = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE, dtx=False, red=False)
    await room.local_participant.publish_track(track, opts)
    return source


async def send_audio(source, args, t0, stop):
    n = 0
    phase = 2 * math.pi * args.beep_hz / RATE
    while not stop.is_set():
        due = t0 + n / RATE
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        # behind: the chunks owed go out at once (with no SDK queue they are sent as handed over),
        # so the RTP time, which counts samples, stays on real time as a microphone's does
        idx = np.arange(n, n + CHUNK)
        on = np.full(CHUNK, True) if args.tone else (idx % RATE) < int(args.flash * RATE)
        if not args.talk_from <= time.time() < args.talk_until:
            on[:] = False  # not talking now
        samples = np.where(on, 0.5 * np.sin(phase * idx), 0.0)
        pcm = (samples * 32767).astype(np.int16)
        await source.capture_frame(rtc.AudioFrame(pcm.tobytes(), RATE, 1, CHUNK))
        if n % RATE < CHUNK:
            print(f"BEEP {time.time() * 1e6:.0f}", flush=True)
        n += CHUNK


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", default="devkey")
    p.add_argument("--api-secret", default="secret")
    p.add_argument("--room", required=True)
    p.add_argument("--identity", default="py-publisher")
    p.add_argument("--video", default="640x360", help="WxH, or 'none'")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--codec", default="vp8", choices=["vp8", "vp9", "h264"])
    p.add_argument("--bitrate", type=int, default=1500, help="kbps")
    p.add_argument("--simulcast", action="store_true")
    p.add_argument("--no-audio", action="store_true")
    p.add_argument("--video-after", type=float, default=0, help="publish the camera this many seconds after the microphone")
    p.add_argument("--beep-hz", type=float, default=1000.0)
    p.add_argument("--flash", type=float, default=0.1, help="seconds of flash and beep each second")
    p.add_argument("--tone", action="store_true", help="the sound is a steady tone at --beep-hz, not beeps")
    p.add_argument("--talk-from", type=float, default=0, help="silence before this unix time")
    p.add_argument("--talk-until", type=float, default=float("inf"), help="silence from this unix time on")
    p.add_argument("--audio-queue-ms", type=int, default=0,
                   help="the SDK's audio buffer (0: sent as handed over); what is queued plays that much after the picture")
    p.add_argument("--seconds", type=float, default=3600)
    p.add_argument("--counter", action="store_true", help="the grey level counts the seconds (see above)")
    p.add_argument("--tint", default="128,128", help="U,V of the picture (128,128: grey; 90,200: red)")
    p.add_argument("--pattern", type=int, default=-1, help="a still picture with structure, by seed (no flash, no block)")
    p.add_argument("--screen", action="store_true", help="publish the picture as a screen share")
    p.add_argument("--mute-video-after", type=float, default=0, help="mute the picture after this many seconds")
    args = p.parse_args()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    room = rtc.Room()
    # a publisher only: subscribing to the other publishers would cost them and the node for nothing
    await room.connect(args.url, token(args), options=rtc.RoomOptions(auto_subscribe=False))
    # both tracks are published first, then both start on one clock (a late start of either would
    # shift it against the other by as much)
    late = args.video != "none" and args.video_after > 0
    video = await publish_video(room, args) if args.video != "none" and not late else None
    audio = await publish_audio(room, args) if not args.no_audio else None
    t0 = time.monotonic() + 0.1
    tasks = []
    if video:
        tasks.append(asyncio.create_task(send_video(video, args, t0, stop)))
    if audio:
        tasks.append(asyncio.create_task(send_audio(audio, args, t0, stop)))
    print("PUBLISHING", flush=True)
    if late:
        # the camera comes later, on the same clock (its flashes stay on the beeps)
        await asyncio.sleep(args.video_after)
        video = await publish_video(room, args)
        tasks.append(asyncio.create_task(send_video(video, args, t0, stop)))
        print("PUBLISHED VIDEO", flush=True)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.seconds)
    except asyncio.TimeoutError:
        pass
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await room.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
