package io.egressjava.server;

import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.rpc.StartEgressRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import livekit.LivekitEgress;

/**
 * CPU admission by the reference's cost table (protocol.md §4.3): with nothing running the whole
 * machine is available; otherwise {@code total × max_cpu_utilization} minus what running egresses
 * use. An egress counts with its reserved cost for its first 15 s (or its measured use if higher);
 * after that with what its handler process tree was measured to use ({@link CpuMonitor}). An
 * egress that is not measured (recorded in this JVM) keeps its reserved cost. The affinity sent in
 * claims follows §2.4: −1 cannot accept, 0.5 idle, 1.0 busy.
 *
 * <p>Memory, when {@code max_memory} is set, as the reference: a request fits while what the node
 * uses ({@link #memoryUsed}, from {@link MemoryMonitor}), plus the {@code memory_cost} of egresses
 * accepted in the last 15 s (not yet grown to their size), plus its own cost and 1 GB of headroom
 * stays below {@code max_memory}.
 */
public final class Admission {
  /** How long a just-accepted egress keeps its full reservation (the reference's cpuHoldDuration). */
  static final long HOLD_NANOS = 15_000_000_000L;
  /** Kept free of admissions, as the reference's memoryHeadroomGB. */
  static final double MEMORY_HEADROOM_GB = 1.0;

  private final CpuCost costs;
  private final double totalCpu;
  private final NativeComposites nativeComposites;
  private final LongSupplier nanoClock;
  private final Map<String, Reservation> reserved = new HashMap<>();
  private boolean soleInstance;
  private double memoryUsedGb;

  /** What an egress is expected to cost: cores, and GB of memory (0: none counted). */
  public record Cost(double cpu, double memory) {
    public static Cost cpu(double cores) {
      return new Cost(cores, 0);
    }
  }

  /** An accepted egress: its cost, when it was accepted, and its last measured use (NaN: none). */
  private record Reservation(Cost cost, long acceptedAt, double measured) {
    boolean held(long now) {
      return now - acceptedAt < HOLD_NANOS;
    }

    double usage(long now) {
      if (Double.isNaN(measured)) {
        return cost.cpu;
      }
      return held(now) ? Math.max(cost.cpu, measured) : measured;
    }
  }

  /** Which room composites are composed without a browser ({@code EgressConfig::composesNatively}). */
  public interface NativeComposites {
    boolean composesNatively(boolean audioOnly, boolean videoOnly, String customBaseUrl);
  }

  public Admission(CpuCost costs, double totalCpu) {
    this(costs, totalCpu, (audioOnly, videoOnly, customBaseUrl) -> false);
  }

  /** @param nativeComposites which room composites cost {@code native_room_composite_cpu_cost} instead */
  public Admission(CpuCost costs, double totalCpu, NativeComposites nativeComposites) {
    this(costs, totalCpu, nativeComposites, System::nanoTime);
  }

  Admission(CpuCost costs, double totalCpu, LongSupplier nanoClock) {
    this(costs, totalCpu, (audioOnly, videoOnly, customBaseUrl) -> false, nanoClock);
  }

  Admission(CpuCost costs, double totalCpu, NativeComposites nativeComposites, LongSupplier nanoClock) {
    this.costs = costs;
    this.totalCpu = totalCpu;
    this.nativeComposites = nativeComposites;
    this.nanoClock = nanoClock;
  }

  /** Cores available to a CPU budget: {@code LIVEKIT_CPU_REQUEST} if set, else the processor count. */
  public static double machineCpu() {
    String request = System.getenv("LIVEKIT_CPU_REQUEST");
    if (request != null && !request.isBlank()) {
      return Double.parseDouble(request.trim());
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** What a video web egress costs (the reference probes can_accept_request with one). */
  public Cost webCost() {
    return new Cost(costs.webCpuCost(), costs.memoryCost());
  }

  /** What a request reserves: its cores and its memory. */
  public Cost cost(StartEgressRequest r) {
    return new Cost(r.getEstimatedCpu() > 0 ? r.getEstimatedCpu() : cpuCost(r), memoryCost(r));
  }

  /** {@code memory_cost}, or the SDK audio room composite's own (the only kind the reference sets apart). */
  private double memoryCost(StartEgressRequest r) {
    boolean sdkAudio = switch (r.getRequestCase()) {
      case ROOM_COMPOSITE -> sdkAudio(r.getRoomComposite().getAudioOnly(), r.getRoomComposite().getLayout(),
          r.getRoomComposite().getCustomBaseUrl());
      case EGRESS -> r.getEgress().getSourceCase() == LivekitEgress.StartEgressRequest.SourceCase.TEMPLATE
          && sdkAudio(r.getEgress().getTemplate().getAudioOnly(), r.getEgress().getTemplate().getLayout(),
              r.getEgress().getTemplate().getCustomBaseUrl());
      default -> false;
    };
    return sdkAudio ? costs.sdkAudioRoomCompositeMemoryCost() : costs.memoryCost();
  }

  private static boolean sdkAudio(boolean audioOnly, String layout, String customBaseUrl) {
    return audioOnly && layout.isEmpty() && customBaseUrl.isEmpty();
  }

  private double cpuCost(StartEgressRequest r) {
    return switch (r.getRequestCase()) {
      case ROOM_COMPOSITE -> templateCost(r.getRoomComposite().getAudioOnly(), r.getRoomComposite().getVideoOnly(),
          r.getRoomComposite().getLayout(), r.getRoomComposite().getCustomBaseUrl());
      case WEB -> r.getWeb().getAudioOnly() ? costs.audioWebCpuCost() : costs.webCpuCost();
      case PARTICIPANT -> costs.participantCpuCost();
      case TRACK_COMPOSITE -> costs.trackCompositeCpuCost();
      case TRACK -> costs.trackCpuCost();
      case EGRESS -> v2Cost(r.getEgress());
      default -> costs.participantCpuCost();
    };
  }

  private double templateCost(boolean audioOnly, boolean videoOnly, String layout, String customBaseUrl) {
    if (nativeComposites.composesNatively(audioOnly, videoOnly, customBaseUrl)) {
      return costs.nativeRoomCompositeCpuCost();
    }
    if (!audioOnly) {
      return costs.roomCompositeCpuCost();
    }
    return sdkAudio(true, layout, customBaseUrl) ? costs.sdkAudioRoomCompositeCpuCost() : costs.audioRoomCompositeCpuCost();
  }

  private double v2Cost(LivekitEgress.StartEgressRequest r) {
    return switch (r.getSourceCase()) {
      case TEMPLATE -> templateCost(r.getTemplate().getAudioOnly(), r.getTemplate().getVideoOnly(), r.getTemplate().getLayout(),
          r.getTemplate().getCustomBaseUrl());
      case WEB -> r.getWeb().getAudioOnly() ? costs.audioWebCpuCost() : costs.webCpuCost();
      default -> r.getPresetValue() == 8 ? costs.trackCpuCost() : costs.participantCpuCost();
    };
  }

  public synchronized boolean canAccept(Cost cost) {
    return available() >= cost.cpu && memoryFits(cost.memory);
  }

  private boolean memoryFits(double memory) {
    if (costs.maxMemory() <= 0) {
      return true;
    }
    long now = nanoClock.getAsLong();
    double pending = reserved.values().stream().filter(r -> r.held(now)).mapToDouble(r -> r.cost.memory).sum();
    return memoryUsedGb + pending + memory + MEMORY_HEADROOM_GB < costs.maxMemory();
  }

  /** GB the node uses now, by the configured {@code memory_source}. */
  public synchronized void memoryUsed(double gb) {
    memoryUsedGb = gb;
  }

  public synchronized double available() {
    if (reserved.isEmpty()) {
      return totalCpu;
    }
    long now = nanoClock.getAsLong();
    return totalCpu * costs.maxCpuUtilization() - reserved.values().stream().mapToDouble(r -> r.usage(now)).sum();
  }

  /** The cores an egress's handler was last measured to use. */
  public synchronized void measured(String egressId, double cores) {
    reserved.computeIfPresent(egressId, (id, r) -> new Reservation(r.cost, r.acceptedAt, cores));
  }

  /** What an accepted egress reserved (the CPU it is allowed), or 0 if unknown. */
  public synchronized double reservedCost(String egressId) {
    Reservation r = reserved.get(egressId);
    return r == null ? 0 : r.cost.cpu;
  }

  /**
   * Whether an egress is still in its first {@link #HOLD_NANOS}: what it uses then is mostly starting
   * up (a handler JVM compiles its hot code), not what it will use.
   */
  public synchronized boolean starting(String egressId) {
    Reservation r = reserved.get(egressId);
    return r != null && r.held(nanoClock.getAsLong());
  }

  /**
   * The egress's handler is up and recording starts: its first seconds count from now, not from
   * when it was accepted (a handler JVM may take seconds to start when several start together).
   */
  public synchronized void started(String egressId) {
    reserved.computeIfPresent(egressId, (id, r) -> new Reservation(r.cost, nanoClock.getAsLong(), r.measured));
  }

  /** Reserves the cost for an egress if it fits. */
  public synchronized boolean tryReserve(String egressId, Cost cost) {
    if (reserved.containsKey(egressId) || !canAccept(cost)) {
      return false;
    }
    reserved.put(egressId, new Reservation(cost, nanoClock.getAsLong(), Double.NaN));
    return true;
  }

  public synchronized void release(String egressId) {
    reserved.remove(egressId);
  }

  public synchronized int active() {
    return reserved.size();
  }

  /**
   * −1: cannot accept (no claim); 0.5: idle, so that an instance already busy gets it (the
   * reference's rule), unless this is the only instance; 1.0: busy and can take it.
   */
  public synchronized float affinity(Cost cost, boolean shuttingDown) {
    if (shuttingDown || !canAccept(cost)) {
      return -1f;
    }
    return reserved.isEmpty() && !soleInstance ? 0.5f : 1.0f;
  }

  /** Whether no other egress instance shares this Redis (see {@link PeerWatch}). */
  public synchronized void soleInstance(boolean sole) {
    this.soleInstance = sole;
  }
}
