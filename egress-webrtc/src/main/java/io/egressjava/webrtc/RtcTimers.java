package io.egressjava.webrtc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One timer thread for every receiver in the process (ICE checks, NACK, reports): cheap per egress. */
final class RtcTimers {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rtc-timer");
    t.setDaemon(true);
    return t;
  });

  private RtcTimers() {}

  static ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initial, long period, TimeUnit unit) {
    return TIMER.scheduleAtFixedRate(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(RtcTimers.class).warn("RTC timer task failed", e);
      }
    }, initial, period, unit);
  }
}
