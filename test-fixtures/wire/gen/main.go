// Command gen writes the golden wire fixtures used by egress-java's wire tests.
//
// It serializes fixed values with LiveKit's own Go types (github.com/livekit/protocol)
// and psrpc's envelope types (github.com/livekit/psrpc, looked up through the protobuf
// registry because the package is internal to psrpc). The Java tests build the same
// values with egress-java's classes and require byte-identical output.
//
// Run from this directory:  go run . ../
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/rpc"
	_ "github.com/livekit/psrpc" // registers the internal.* envelope types
)

var det = proto.MarshalOptions{Deterministic: true}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// envelope creates an empty psrpc envelope message by its proto name.
func envelope(name string) protoreflect.Message {
	mt := must(protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName("internal." + name)))
	return mt.New()
}

func set(m protoreflect.Message, field string, v any) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(field))
	if fd == nil {
		panic("no field " + field + " in " + string(m.Descriptor().FullName()))
	}
	m.Set(fd, protoreflect.ValueOf(v))
}

func setMap(m protoreflect.Message, field string, kv map[string]string) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(field))
	mp := m.Mutable(fd).Map()
	for k, v := range kv {
		mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(v))
	}
}

// wrap frames an envelope the way psrpc's Redis bus does: a Msg{type_url, value}.
func wrap(m protoreflect.Message) []byte {
	msg := envelope("Msg")
	set(msg, "type_url", "type.googleapis.com/"+string(m.Descriptor().FullName()))
	set(msg, "value", must(det.Marshal(m.Interface())))
	return must(det.Marshal(msg.Interface()))
}

func roomCompositeRequest() *rpc.StartEgressRequest {
	return &rpc.StartEgressRequest{
		EgressId: "EG_abcdefghijkl",
		RoomId:   "RM_mnopqrstuvwx",
		Request: &rpc.StartEgressRequest_RoomComposite{RoomComposite: &livekit.RoomCompositeEgressRequest{
			RoomName: "my-room",
			Layout:   "speaker-light",
			Options: &livekit.RoomCompositeEgressRequest_Advanced{Advanced: &livekit.EncodingOptions{
				Width: 1920, Height: 1080, Depth: 24, Framerate: 30,
				AudioCodec: livekit.AudioCodec_AAC, AudioBitrate: 128, AudioFrequency: 44100,
				VideoCodec: livekit.VideoCodec_H264_HIGH, VideoBitrate: 4500, KeyFrameInterval: 2.5,
			}},
			FileOutputs: []*livekit.EncodedFileOutput{{
				FileType: livekit.EncodedFileType_MP4,
				Filepath: "recordings/{room_name}-{time}.mp4",
				Output: &livekit.EncodedFileOutput_S3{S3: &livekit.S3Upload{
					AccessKey: "AKIA123", Secret: "s3cr3t", Region: "us-east-1", Bucket: "bucket",
					ForcePathStyle: true, Metadata: map[string]string{"team": "video"},
				}},
			}},
			SegmentOutputs: []*livekit.SegmentedFileOutput{{
				Protocol: livekit.SegmentedFileProtocol_HLS_PROTOCOL, FilenamePrefix: "hls/seg",
				PlaylistName: "index.m3u8", LivePlaylistName: "live.m3u8", SegmentDuration: 6,
				FilenameSuffix: livekit.SegmentedFileSuffix_TIMESTAMP,
			}},
			StreamOutputs: []*livekit.StreamOutput{{
				Protocol: livekit.StreamProtocol_RTMP, Urls: []string{"rtmp://127.0.0.1:1935/live/streamkey"},
			}},
			ImageOutputs: []*livekit.ImageOutput{{
				CaptureInterval: 5, Width: 640, Height: 360, FilenamePrefix: "thumbs/t",
				FilenameSuffix: livekit.ImageFileSuffix_IMAGE_SUFFIX_NONE_OVERWRITE, ImageCodec: livekit.ImageCodec_IC_JPEG,
			}},
			Webhooks: []*livekit.WebhookConfig{{Url: "http://127.0.0.1:9000/hook", SigningKey: "key"}},
		}},
		Token:      "token-value",
		WsUrl:      "ws://127.0.0.1:7880",
		RetryCount: 2,
		RoomName:   "my-room",
	}
}

func trackRequest() *rpc.StartEgressRequest {
	return &rpc.StartEgressRequest{
		EgressId: "EG_trackegress01",
		RoomId:   "RM_room0000001",
		Request: &rpc.StartEgressRequest_Track{Track: &livekit.TrackEgressRequest{
			RoomName: "room",
			TrackId:  "TR_audio000001",
			Output:   &livekit.TrackEgressRequest_WebsocketUrl{WebsocketUrl: "ws://127.0.0.1:8080/audio?token=x"},
		}},
	}
}

func v2Request() *rpc.StartEgressRequest {
	return &rpc.StartEgressRequest{
		EgressId: "EG_v2egress0001",
		RoomId:   "RM_room0000002",
		Request: &rpc.StartEgressRequest_Egress{Egress: &livekit.StartEgressRequest{
			RoomName: "room2",
			Source: &livekit.StartEgressRequest_Media{Media: &livekit.MediaSource{
				Video: &livekit.MediaSource_ParticipantVideo{ParticipantVideo: &livekit.ParticipantVideo{
					Identity: "alice", PreferScreenShare: true,
				}},
				Audio: &livekit.AudioConfig{Routes: []*livekit.AudioRoute{
					{Match: &livekit.AudioRoute_ParticipantIdentity{ParticipantIdentity: "alice"}, Channel: livekit.AudioChannel_AUDIO_CHANNEL_LEFT},
					{Match: &livekit.AudioRoute_TrackId{TrackId: "TR_bob"}, Channel: livekit.AudioChannel_AUDIO_CHANNEL_RIGHT},
				}},
			}},
			Encoding: &livekit.StartEgressRequest_Preset{Preset: livekit.EncodingOptionsPreset_H264_1080P_30},
			Outputs: []*livekit.Output{
				{Config: &livekit.Output_File{File: &livekit.FileOutput{FileType: livekit.EncodedFileType_MP4, Filepath: "out/{room_name}.mp4"}}},
				{Config: &livekit.Output_Stream{Stream: &livekit.StreamOutput{Protocol: livekit.StreamProtocol_SRT, Urls: []string{"srt://127.0.0.1:8890?streamid=publish:x"}}},
					Storage: &livekit.StorageConfig{Provider: &livekit.StorageConfig_Gcp{Gcp: &livekit.GCPUpload{Bucket: "gcs-bucket"}}}},
			},
			Storage: &livekit.StorageConfig{Provider: &livekit.StorageConfig_Azure{Azure: &livekit.AzureBlobUpload{
				AccountName: "acct", AccountKey: "key", ContainerName: "c"}}},
		}},
	}
}

func egressInfo() *livekit.EgressInfo {
	return &livekit.EgressInfo{
		EgressId: "EG_abcdefghijkl", RoomId: "RM_mnopqrstuvwx", RoomName: "my-room",
		Status: livekit.EgressStatus_EGRESS_STARTING, StartedAt: 1764000000000000000, UpdatedAt: 1764000000000000001,
		SourceType: livekit.EgressSourceType_EGRESS_SOURCE_TYPE_SDK,
		Request: &livekit.EgressInfo_Track{Track: &livekit.TrackEgressRequest{RoomName: "my-room", TrackId: "TR_x"}},
	}
}

func main() {
	out := "."
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	files := map[string][]byte{}

	rc := must(det.Marshal(roomCompositeRequest()))
	files["start_egress_room_composite.bin"] = rc
	files["start_egress_track_websocket.bin"] = must(det.Marshal(trackRequest()))
	files["start_egress_v2_media.bin"] = must(det.Marshal(v2Request()))
	info := must(det.Marshal(egressInfo()))
	files["egress_info_starting.bin"] = info
	files["list_active_egress_response.bin"] = must(det.Marshal(&rpc.ListActiveEgressResponse{EgressIds: []string{"EG_one", "EG_two"}}))
	files["update_metrics_request.bin"] = must(det.Marshal(&rpc.UpdateMetricsRequest{Info: egressInfo(), AvgCpuUsage: 1.5, MaxCpuUsage: 2.25}))
	files["get_egress_request.bin"] = must(det.Marshal(&rpc.GetEgressRequest{EgressId: "EG_abcdefghijkl"}))

	req := envelope("Request")
	set(req, "request_id", "REQ_r1r1r1r1r1r1")
	set(req, "client_id", "CLI_aaaaaaaaaaaa")
	set(req, "sent_at", int64(1764000000123456789))
	set(req, "expiry", int64(1764000010123456789))
	setMap(req, "metadata", map[string]string{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	set(req, "raw_request", rc)
	files["psrpc_request.bin"] = wrap(req)

	multi := envelope("Request")
	set(multi, "request_id", "REQ_m2m2m2m2m2m2")
	set(multi, "client_id", "CLI_bbbbbbbbbbbb")
	set(multi, "sent_at", int64(1764000000000000000))
	set(multi, "expiry", int64(1764000003000000000))
	set(multi, "multi", true)
	files["psrpc_request_multi.bin"] = wrap(multi)

	res := envelope("Response")
	set(res, "request_id", "REQ_r1r1r1r1r1r1")
	set(res, "server_id", "SRV_cccccccccccc")
	set(res, "sent_at", int64(1764000000223456789))
	set(res, "raw_response", info)
	files["psrpc_response.bin"] = wrap(res)

	resErr := envelope("Response")
	set(resErr, "request_id", "REQ_r1r1r1r1r1r1")
	set(resErr, "server_id", "SRV_cccccccccccc")
	set(resErr, "sent_at", int64(1764000000223456789))
	set(resErr, "error", "not enough CPU")
	set(resErr, "code", "unavailable")
	files["psrpc_response_error.bin"] = wrap(resErr)

	claim := envelope("ClaimRequest")
	set(claim, "request_id", "REQ_r1r1r1r1r1r1")
	set(claim, "server_id", "SRV_bbbbbbbbbbbb")
	set(claim, "affinity", float32(0.5))
	files["psrpc_claim_request.bin"] = wrap(claim)

	claimRes := envelope("ClaimResponse")
	set(claimRes, "request_id", "REQ_r1r1r1r1r1r1")
	set(claimRes, "server_id", "SRV_cccccccccccc")
	files["psrpc_claim_response.bin"] = wrap(claimRes)

	streams := map[string]func(protoreflect.Message){
		"open": func(s protoreflect.Message) {
			o := envelope("StreamOpen")
			set(o, "node_id", "CLI_dddddddddddd")
			setMap(o, "metadata", map[string]string{"k": "v"})
			set(s, "open", protoreflect.ValueOfMessage(o).Interface())
		},
		"message": func(s protoreflect.Message) {
			m := envelope("StreamMessage")
			set(m, "raw_message", []byte{1, 2, 3, 0xff})
			set(s, "message", protoreflect.ValueOfMessage(m).Interface())
		},
		"ack": func(s protoreflect.Message) {
			set(s, "ack", protoreflect.ValueOfMessage(envelope("StreamAck")).Interface())
		},
		"close": func(s protoreflect.Message) {
			c := envelope("StreamClose")
			set(c, "error", "stream closed")
			set(c, "code", "canceled")
			set(s, "close", protoreflect.ValueOfMessage(c).Interface())
		},
	}
	for name, body := range streams {
		s := envelope("Stream")
		set(s, "stream_id", "STR_eeeeeeeeeeee")
		set(s, "request_id", "REQ_ffffffffffff")
		set(s, "sent_at", int64(1764000000000000001))
		set(s, "expiry", int64(1764000003000000001))
		body(s)
		files["psrpc_stream_"+name+".bin"] = wrap(s)
	}

	for name, b := range files {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			panic(err)
		}
		fmt.Printf("%-40s %5d bytes\n", name, len(b))
	}
}
