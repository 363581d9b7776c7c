package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.rpc.StartEgressRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitEgress;
import org.junit.jupiter.api.Test;

/** Admission as protocol.md §4.3: reserved costs, the 15 s hold, then measured use. */
class AdmissionTest {
  private final CpuCost costs = EgressConfigLoader.fromYaml("cpu_cost: {track_composite_cpu_cost: 1}", Map.of())
      .config().cpuCost();
  private final AtomicLong now = new AtomicLong();
  private final Admission admission = new Admission(costs, 4.0, now::get);

  private static StartEgressRequest trackComposite(String id) {
    return StartEgressRequest.newBuilder().setEgressId(id)
        .setTrackComposite(LivekitEgress.TrackCompositeEgressRequest.getDefaultInstance()).build();
  }

  @Test
  void aRoomCompositeWithoutABrowserReservesTheNativeCost() {
    var config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s", Map.of()).config();
    Admission natively = new Admission(config.cpuCost(), 2.0, config::composesNatively);
    var grid = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("r").setLayout("grid");
    assertThat(natively.cost(roomComposite(grid)).cpu()).as("the default renderer").isEqualTo(1.0);
    assertThat(natively.cost(roomComposite(grid.clone().setVideoOnly(true))).cpu()).isEqualTo(1.0);
    assertThat(natively.cost(roomComposite(grid.clone().setCustomBaseUrl("https://example.com/"))).cpu())
        .as("a custom page: Chrome").isEqualTo(4.0);
    assertThat(natively.cost(roomComposite(grid.clone().setAudioOnly(true))).cpu()).as("audio only").isEqualTo(1.0);
    var template = StartEgressRequest.newBuilder().setEgressId("EG_t").setEgress(LivekitEgress.StartEgressRequest
        .newBuilder().setTemplate(LivekitEgress.TemplateSource.newBuilder().setLayout("speaker"))).build();
    assertThat(natively.cost(template).cpu()).as("a v2 template request").isEqualTo(1.0);

    var chrome = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nroom_composite_renderer: chrome", Map.of()).config();
    assertThat(new Admission(chrome.cpuCost(), 2.0, chrome::composesNatively).cost(roomComposite(grid)).cpu())
        .as("room_composite_renderer: chrome").isEqualTo(4.0);
    var pageAudio = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nroom_composite_audio: page", Map.of()).config();
    assertThat(new Admission(pageAudio.cpuCost(), 2.0, pageAudio::composesNatively).cost(roomComposite(grid)).cpu())
        .as("the page's sound: Chrome").isEqualTo(4.0);
    var cheap = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\ncpu_cost: {native_room_composite_cpu_cost: 0.5}",
        Map.of()).config();
    assertThat(new Admission(cheap.cpuCost(), 2.0, cheap::composesNatively).cost(roomComposite(grid)).cpu()).isEqualTo(0.5);
  }

  private static StartEgressRequest roomComposite(LivekitEgress.RoomCompositeEgressRequest.Builder r) {
    return StartEgressRequest.newBuilder().setEgressId("EG_rc").setRoomComposite(r).build();
  }

  @Test
  void idleNodeOffersEveryCoreThenTheUtilizationCapApplies() {
    assertThat(admission.available()).isEqualTo(4.0);
    assertThat(admission.affinity(Admission.Cost.cpu(1), false)).isEqualTo(0.5f);
    assertThat(admission.tryReserve("EG_a", admission.cost(trackComposite("EG_a")))).isTrue();
    assertThat(admission.available()).isCloseTo(4 * 0.8 - 1, within(1e-9));
    assertThat(admission.affinity(Admission.Cost.cpu(1), false)).isEqualTo(1.0f);
    assertThat(admission.tryReserve("EG_a", Admission.Cost.cpu(1))).as("same egress twice").isFalse();
  }

  @Test
  void theOnlyInstanceClaimsFullyEvenWhenIdleButNeverBeyondItsCapacity() {
    admission.soleInstance(true);
    assertThat(admission.affinity(Admission.Cost.cpu(1), false)).isEqualTo(1.0f);
    assertThat(admission.affinity(Admission.Cost.cpu(100), false)).isEqualTo(-1f);
    assertThat(admission.affinity(Admission.Cost.cpu(1), true)).as("shutting down").isEqualTo(-1f);
    admission.soleInstance(false);
    assertThat(admission.affinity(Admission.Cost.cpu(1), false)).isEqualTo(0.5f);
  }

  @Test
  void reservationHoldsFifteenSecondsThenMeasuredUseCounts() {
    admission.tryReserve("EG_a", Admission.Cost.cpu(1.0));
    admission.measured("EG_a", 0.2);
    assertThat(admission.available()).as("held: the reservation, not the lower measurement")
        .isCloseTo(3.2 - 1.0, within(1e-9));
    admission.measured("EG_a", 1.5);
    assertThat(admission.available()).as("held, but measured above the reservation").isCloseTo(3.2 - 1.5, within(1e-9));
    now.addAndGet(TimeUnit.SECONDS.toNanos(15));
    admission.measured("EG_a", 0.2);
    assertThat(admission.available()).as("after the hold: what it uses").isCloseTo(3.2 - 0.2, within(1e-9));
  }

  @Test
  void anEgressThatIsNotMeasuredKeepsItsReservation() {
    admission.tryReserve("EG_a", Admission.Cost.cpu(1.0));
    now.addAndGet(TimeUnit.MINUTES.toNanos(5));
    assertThat(admission.available()).isCloseTo(3.2 - 1.0, within(1e-9));
  }

  @Test
  void measuredUseDecidesWhatStillFits() {
    admission.tryReserve("EG_a", Admission.Cost.cpu(1.0));
    admission.tryReserve("EG_b", Admission.Cost.cpu(1.0));
    assertThat(admission.canAccept(Admission.Cost.cpu(2.0))).as("3.2 - 2 reserved").isFalse();
    now.addAndGet(TimeUnit.SECONDS.toNanos(16));
    admission.measured("EG_a", 0.1);
    admission.measured("EG_b", 0.1);
    assertThat(admission.canAccept(Admission.Cost.cpu(2.0))).as("both use 0.1 after their hold").isTrue();
    admission.measured("EG_b", 2.5);
    assertThat(admission.canAccept(Admission.Cost.cpu(1.0))).as("one now uses 2.5 cores").isFalse();
    admission.release("EG_b");
    assertThat(admission.canAccept(Admission.Cost.cpu(2.0))).isTrue();
  }
}
