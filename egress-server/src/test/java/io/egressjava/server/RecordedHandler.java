package io.egressjava.server;

import io.egressjava.api.errors.PsrpcException;
import java.util.ArrayList;
import java.util.List;

/** A handler stand-in around a real process: records what a monitor asked of it. */
final class RecordedHandler implements CpuMonitor.Handler {
  final Process process;
  final List<String> asked = new ArrayList<>();
  PsrpcException failedWith;
  PsrpcException killedWith;

  RecordedHandler(List<Process> started, String... command) throws java.io.IOException {
    process = new ProcessBuilder(command).start();
    started.add(process);
  }

  @Override
  public ProcessHandle process() {
    return process.toHandle();
  }

  @Override
  public void stopWithReason(String reason) {
    asked.add(reason);
  }

  @Override
  public void fail(PsrpcException error) {
    failedWith = error;
  }

  @Override
  public void kill(PsrpcException error, long graceMs) {
    killedWith = error;
  }
}
