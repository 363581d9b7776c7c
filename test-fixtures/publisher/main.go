// Command publisher joins a LiveKit room with the LiveKit Go SDK (pion WebRTC) and publishes
// pre-encoded media files: IVF (VP8/VP9), OGG (Opus) or Annex-B H.264, each as its own track, and
// optionally one simulcast VP8 track from three IVF files (-simulcast high.ivf,medium.ivf,low.ivf),
// files published later (-late file -late-after 3s) and a mute window (-mute-from 2s -mute-until 4s).
// Tests use it as a publisher whose WebRTC stack is not ours. It runs until the files end or it is killed.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	url := flag.String("url", "ws://127.0.0.1:7880", "LiveKit URL")
	key := flag.String("api-key", "devkey", "API key")
	secret := flag.String("api-secret", "secret", "API secret")
	room := flag.String("room", "", "room name")
	identity := flag.String("identity", "publisher", "participant identity")
	fps := flag.Int("fps", 30, "video frame rate of the IVF/H.264 files")
	screen := flag.Bool("screenshare", false, "publish video as a screen share")
	var publish files
	flag.Var(&publish, "publish", "file to publish (repeatable)")
	simulcast := flag.String("simulcast", "", "high.ivf,medium.ivf,low.ivf: three VP8 IVF files of decreasing "+
		"resolution, published as one simulcast video track (layers HIGH/MEDIUM/LOW)")
	var late files
	flag.Var(&late, "late", "file to publish only after -late-after (repeatable)")
	lateAfter := flag.Duration("late-after", 3*time.Second, "when the -late files are published")
	muteFrom := flag.Duration("mute-from", 0, "mute every track this long after publishing (0: never)")
	muteUntil := flag.Duration("mute-until", 0, "unmute them again at this time")
	flag.Parse()

	var layers []string
	if *simulcast != "" {
		layers = strings.Split(*simulcast, ",")
		if len(layers) != 3 {
			fmt.Fprintln(os.Stderr, "-simulcast needs exactly three comma-separated IVF files (high,medium,low)")
			os.Exit(2)
		}
	}

	// a publisher only: subscribing to every other publisher's tracks made N publishers cost N² streams
	r, err := lksdk.ConnectToRoom(*url, lksdk.ConnectInfo{APIKey: *key, APISecret: *secret, RoomName: *room,
		ParticipantIdentity: *identity}, lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	done := make(chan struct{}, len(publish)+len(layers)+len(late))
	var pubs []*lksdk.LocalTrackPublication
	for _, file := range publish {
		pubs = append(pubs, publishFile(r, file, *fps, *screen, done))
	}
	if len(layers) > 0 {
		if err := publishSimulcast(r, layers, *fps, *screen, done); err != nil {
			fmt.Fprintln(os.Stderr, "simulcast:", err)
			os.Exit(1)
		}
	}
	fmt.Println("PUBLISHING")
	if len(late) > 0 {
		go func() {
			time.Sleep(*lateAfter)
			for _, file := range late {
				publishFile(r, file, *fps, *screen, done)
			}
			fmt.Println("PUBLISHED LATE")
		}()
	}
	if *muteFrom > 0 {
		go func() {
			time.Sleep(*muteFrom)
			for _, p := range pubs {
				p.SetMuted(true)
			}
			fmt.Println("MUTED")
			time.Sleep(*muteUntil - *muteFrom)
			for _, p := range pubs {
				p.SetMuted(false)
			}
			fmt.Println("UNMUTED")
		}()
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	for remaining := len(publish) + len(layers) + len(late); remaining > 0; {
		select {
		case <-done:
			remaining--
		case <-stop:
			remaining = 0
		}
	}
	r.Disconnect()
}

// publishFile publishes one file as its own track (Opus for .ogg, else camera or screen-share video paced at fps).
func publishFile(r *lksdk.Room, file string, fps int, screen bool, done chan<- struct{}) *lksdk.LocalTrackPublication {
	source := livekit.TrackSource_MICROPHONE
	opts := []lksdk.ReaderSampleProviderOption{lksdk.ReaderTrackWithOnWriteComplete(func() { done <- struct{}{} })}
	if !strings.HasSuffix(file, ".ogg") {
		source = livekit.TrackSource_CAMERA
		if screen {
			source = livekit.TrackSource_SCREEN_SHARE
		}
		opts = append(opts, lksdk.ReaderTrackWithFrameDuration(time.Second/time.Duration(fps)))
	}
	track, err := lksdk.NewLocalFileTrack(file, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "track", file, err)
		os.Exit(1)
	}
	pub, err := r.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: file, Source: source})
	if err != nil {
		fmt.Fprintln(os.Stderr, "publish", file, err)
		os.Exit(1)
	}
	return pub
}

// publishSimulcast publishes files (high, medium, low) as the layers of one simulcast VP8 track, each
// layer's size read from its IVF header and paced at fps; each layer signals done when its file ends.
// (Layers the server reports as unsubscribed are muted by the SDK: their files are still read at pace.)
func publishSimulcast(r *lksdk.Room, files []string, fps int, screen bool, done chan<- struct{}) error {
	qualities := []livekit.VideoQuality{livekit.VideoQuality_HIGH, livekit.VideoQuality_MEDIUM, livekit.VideoQuality_LOW}
	const id = "simulcast-video" // the layers' shared track and stream id (one simulcast track per publisher)
	tracks := make([]*lksdk.LocalTrack, len(files))
	var prevWidth, prevHeight uint32
	for i, file := range files {
		width, height, err := ivfSize(file)
		if err != nil {
			return err
		}
		if i > 0 && (width >= prevWidth || height >= prevHeight) {
			return fmt.Errorf("%s: %dx%d is not smaller than the layer above (%dx%d)", file, width, height, prevWidth, prevHeight)
		}
		prevWidth, prevHeight = width, height
		layer := &livekit.VideoLayer{Quality: qualities[i], Width: width, Height: height}
		tracks[i], err = lksdk.NewLocalFileTrack(file,
			lksdk.ReaderTrackWithFrameDuration(time.Second/time.Duration(fps)),
			lksdk.ReaderTrackWithOnWriteComplete(func() { done <- struct{}{} }),
			lksdk.ReaderTrackWithSampleOptions(lksdk.WithSimulcast(id, layer)))
		if err != nil {
			return fmt.Errorf("track %s: %w", file, err)
		}
	}
	source := livekit.TrackSource_CAMERA
	if screen {
		source = livekit.TrackSource_SCREEN_SHARE
	}
	_, err := r.LocalParticipant.PublishSimulcastTrack(tracks, &lksdk.TrackPublicationOptions{Name: files[0], Source: source})
	return err
}

// ivfSize returns the frame size in the header of a VP8 IVF file.
func ivfSize(file string) (uint32, uint32, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	_, header, err := ivfreader.NewWith(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", file, err)
	}
	if header.FourCC != "VP80" {
		return 0, 0, fmt.Errorf("%s: simulcast layers must be VP8, got %q", file, header.FourCC)
	}
	return uint32(header.Width), uint32(header.Height), nil
}
