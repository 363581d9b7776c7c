// Command publisher joins a LiveKit room with the LiveKit Go SDK (pion WebRTC) and publishes
// pre-encoded media files: IVF (VP8/VP9), OGG (Opus) or Annex-B H.264. Tests use it as a publisher
// whose WebRTC stack is not ours. It runs until the files end or it is killed.
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
	flag.Parse()

	r, err := lksdk.ConnectToRoom(*url, lksdk.ConnectInfo{APIKey: *key, APISecret: *secret, RoomName: *room,
		ParticipantIdentity: *identity}, lksdk.NewRoomCallback())
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	done := make(chan struct{}, len(publish))
	for _, file := range publish {
		source := livekit.TrackSource_MICROPHONE
		opts := []lksdk.ReaderSampleProviderOption{lksdk.ReaderTrackWithOnWriteComplete(func() { done <- struct{}{} })}
		if !strings.HasSuffix(file, ".ogg") {
			source = livekit.TrackSource_CAMERA
			if *screen {
				source = livekit.TrackSource_SCREEN_SHARE
			}
			opts = append(opts, lksdk.ReaderTrackWithFrameDuration(time.Second/time.Duration(*fps)))
		}
		track, err := lksdk.NewLocalFileTrack(file, opts...)
		if err != nil {
			fmt.Fprintln(os.Stderr, "track", file, err)
			os.Exit(1)
		}
		if _, err := r.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: file, Source: source}); err != nil {
			fmt.Fprintln(os.Stderr, "publish", file, err)
			os.Exit(1)
		}
	}
	fmt.Println("PUBLISHING")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	for remaining := len(publish); remaining > 0; {
		select {
		case <-done:
			remaining--
		case <-stop:
			remaining = 0
		}
	}
	r.Disconnect()
}
