package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Empty;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.ListActiveEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.psrpc.LocalBus;
import io.egressjava.psrpc.RpcClient;
import io.egressjava.psrpc.RpcServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The service as livekit-server drives it, over the in-process bus: StartEgress claimed and
 * answered, every status sent to IOInfo in order, StopEgress and UpdateStream on the egress's
 * topic, refusals with the reference's codes. No Redis, no sockets; the runner is scripted.
 */
class EgressServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** livekit-server's selection for StartEgress: the best claim, at once if it is 1.0. */
  private static final RpcClient.CallOptions START = new RpcClient.CallOptions(Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofMillis(500), false, 1.0f, 0.5f);
  private static final RpcClient.CallOptions HANDLER = RpcClient.CallOptions.queue(Duration.ofSeconds(5), Duration.ZERO);

  private final LocalBus bus = new LocalBus();
  /** What livekit-server's IOInfo server received, in order. */
  private final BlockingQueue<String> io = new LinkedBlockingQueue<>();
  private final RpcClient internal = new RpcClient(bus, EgressRpc.EGRESS_INTERNAL);
  private final RpcClient handler = new RpcClient(bus, EgressRpc.EGRESS_HANDLER);
  private RpcServer ioServer;
  private EgressService service;

  private static EgressConfig config(String extra) {
    return EgressConfigLoader.fromYaml(String.join("\n", "api_key: devkey", "api_secret: secret",
        "ws_url: ws://127.0.0.1:7880", "redis: {address: 127.0.0.1:6379}",
        // a room composite costs 4 CPUs by default (the reference's); this test node has 2
        "cpu_cost: {room_composite_cpu_cost: 1}", extra), Map.of()).config();
  }

  private EgressService start(String extraConfig) {
    service = new EgressService(config(extraConfig), bus, ScriptedRunner::new, Clock.systemUTC(), 2.0).start();
    return service;
  }

  /** livekit-server's IOInfo: records "create STATUS" / "update STATUS (details)". */
  private void startIoInfo() {
    ioServer = new RpcServer(bus, EgressRpc.IO_INFO);
    ioServer.register(EgressRpc.CREATE_EGRESS, "", EgressInfo.parser(), null, (info, ctx) -> {
      io.add("create " + info.getStatus());
      return Empty.getDefaultInstance();
    });
    ioServer.register(EgressRpc.UPDATE_EGRESS, "", EgressInfo.parser(), null, (info, ctx) -> {
      io.add("update " + info.getStatus() + (info.getDetails().isEmpty() ? "" : " (" + info.getDetails() + ")"));
      return Empty.getDefaultInstance();
    });
  }

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
    if (ioServer != null) {
      ioServer.close();
    }
    internal.close();
    handler.close();
    bus.close();
  }

  private static StartEgressRequest trackRequest(String id) {
    return StartEgressRequest.newBuilder().setEgressId(id).setRoomId("RM_room").setToken("token").setWsUrl("ws://127.0.0.1:7880")
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("room").setTrackId("TR_audio")
            .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("tracks/{track_id}")))
        .build();
  }

  private EgressInfo startEgress(StartEgressRequest req) {
    return internal.call(EgressRpc.START_EGRESS, "", req, EgressInfo.parser(), START);
  }

  private String nextIo() throws InterruptedException {
    String next = io.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(next).as("an IOInfo call within %s", WAIT).isNotNull();
    return next;
  }

  private List<String> activeIds() {
    return internal.callMulti(EgressRpc.LIST_ACTIVE_EGRESS, "", ListActiveEgressRequest.getDefaultInstance(),
        ListActiveEgressResponse.parser(), RpcClient.CallOptions.multi(Duration.ofMillis(300))).stream()
        .flatMap(r -> r.response().getEgressIdsList().stream()).toList();
  }

  @Test
  void everyStatusReachesIoInfoInOrder() throws Exception {
    startIoInfo();
    start("");
    EgressInfo started = startEgress(trackRequest("EG_one"));
    assertThat(started.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
    assertThat(started.getTrack().getTrackId()).isEqualTo("TR_audio");
    assertThat(nextIo()).isEqualTo("create EGRESS_STARTING");
    assertThat(nextIo()).isEqualTo("update EGRESS_ACTIVE");
    assertThat(activeIds()).containsExactly("EG_one");

    EgressInfo stopping = handler.call(EgressRpc.STOP_EGRESS, "EG_one",
        LivekitEgress.StopEgressRequest.newBuilder().setEgressId("EG_one").build(), EgressInfo.parser(), HANDLER);
    assertThat(stopping.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
    assertThat(stopping.getDetails()).isEqualTo("End reason: StopEgress API");
    // the store has ENDING before the caller hears it (as the reference answers)
    assertThat(io.poll()).isEqualTo("update EGRESS_ENDING (End reason: StopEgress API)");
    assertThat(nextIo()).startsWith("update EGRESS_COMPLETE");
    awaitIdle();
    assertThat(activeIds()).isEmpty();
    assertThat(service.results()).containsEntry(new EgressService.Outcome("track", "completed"), 1L);
    // its topics are gone with it: a late StopEgress finds no egress
    assertThatThrownBy(() -> handler.call(EgressRpc.STOP_EGRESS, "EG_one",
        LivekitEgress.StopEgressRequest.newBuilder().setEgressId("EG_one").build(), EgressInfo.parser(),
        RpcClient.CallOptions.queue(Duration.ofMillis(500), Duration.ZERO)))
        .isInstanceOf(PsrpcException.class);
  }

  @Test
  void invalidRequestIsRefusedWithTheReferenceMessageAndNothingIsReported() throws Exception {
    startIoInfo();
    start("");
    StartEgressRequest bad = StartEgressRequest.newBuilder().setEgressId("EG_bad").setRoomId("RM_room").setToken("t")
        .setWsUrl("ws://127.0.0.1:7880")
        .setRoomComposite(LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("room")
            .setStream(LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP)
                .addUrls("rtmp://no-stream-key")))
        .build();
    assertThatThrownBy(() -> startEgress(bad)).isInstanceOf(PsrpcException.class)
        .hasMessageContaining("invalid url rtmp://no-stream-key: rtmp urls must be of format")
        .satisfies(e -> assertThat(((PsrpcException) e).code()).isEqualTo(PsrpcCode.INVALID_ARGUMENT));
    assertThat(activeIds()).isEmpty();
    assertThat(io.poll(300, TimeUnit.MILLISECONDS)).as("IOInfo calls for a refused request").isNull();
    assertThat(startEgress(trackRequest("EG_after")).getStatus()).as("capacity given back").isEqualTo(EgressStatus.EGRESS_STARTING);
  }

  @Test
  void updateStreamOnAFileEgressIsInvalidArgument() throws Exception {
    startIoInfo();
    start("");
    startEgress(trackRequest("EG_file"));
    assertThat(nextIo()).isEqualTo("create EGRESS_STARTING");
    assertThatThrownBy(() -> handler.call(EgressRpc.UPDATE_STREAM, "EG_file",
        LivekitEgress.UpdateStreamRequest.newBuilder().setEgressId("EG_file").addAddOutputUrls("rtmp://h/live/k").build(),
        EgressInfo.parser(), HANDLER))
        .isInstanceOf(PsrpcException.class).hasMessage("UpdateStream called on non-streaming egress")
        .satisfies(e -> assertThat(((PsrpcException) e).code()).isEqualTo(PsrpcCode.INVALID_ARGUMENT));
  }

  @Test
  void aSecondRequestForTheSameEgressIsNotClaimed() throws Exception {
    startIoInfo();
    start("");
    startEgress(trackRequest("EG_twice"));
    // livekit-server retries a StartEgress it got no answer to: the instance running it must not claim it again
    // (nobody claims: the call ends when its affinity wait does, 300 ms here instead of the server's 2 s)
    RpcClient.CallOptions quickAffinity = new RpcClient.CallOptions(Duration.ofSeconds(5), Duration.ofMillis(300),
        Duration.ofMillis(100), false, 1.0f, 0.5f);
    assertThatThrownBy(() -> internal.call(EgressRpc.START_EGRESS, "", trackRequest("EG_twice"), EgressInfo.parser(),
        quickAffinity)).isInstanceOf(PsrpcException.class)
        .satisfies(e -> assertThat(((PsrpcException) e).code()).isEqualTo(PsrpcCode.UNAVAILABLE));
    assertThat(activeIds()).containsExactly("EG_twice");
  }

  @Test
  void infoWaitsForIoInfoAndArrivesCreateFirst() throws Exception {
    start("io_create_timeout: 500ms\nio_update_timeout: 500ms");
    startEgress(trackRequest("EG_late"));
    // past the scripted runner's ACTIVE (its single timer runs tasks in deadline order)
    ScriptedRunner.TIMER.schedule(() -> { }, 150, TimeUnit.MILLISECONDS).get();
    handler.call(EgressRpc.STOP_EGRESS, "EG_late", LivekitEgress.StopEgressRequest.newBuilder().setEgressId("EG_late").build(),
        EgressInfo.parser(), HANDLER);
    // livekit-server's IOInfo comes up only now: the create goes first, then the newest info (coalesced)
    startIoInfo();
    assertThat(nextIo()).isEqualTo("create EGRESS_STARTING");
    String last = nextIo();
    while (!last.startsWith("update EGRESS_COMPLETE")) {
      assertThat(last).startsWith("update ");
      last = nextIo();
    }
    awaitIdle();
  }

  /** The service drops an egress after its final info was acknowledged: a moment after IOInfo saw it. */
  private void awaitIdle() throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!service.activeEgressIds().isEmpty() && System.nanoTime() < end) {
      Thread.onSpinWait();
      Thread.sleep(1);
    }
    assertThat(service.activeEgressIds()).isEmpty();
  }
}
