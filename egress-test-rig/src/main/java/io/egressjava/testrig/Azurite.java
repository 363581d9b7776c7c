package io.egressjava.testrig;

import java.time.Duration;
import java.util.List;

/** Azurite's Blob service (npm, installed by scripts/setup.sh) on 127.0.0.1, in memory. */
public final class Azurite implements AutoCloseable {
  /** Azurite's well-known development account. */
  public static final String ACCOUNT = "devstoreaccount1";
  public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final int port = Ports.free();
  private final ManagedProcess process;

  public Azurite() {
    String binary = ManagedProcess.findExecutable("EGRESS_AZURITE_BLOB",
        LiveKitServer.toolsDir() + "/node/node_modules/.bin/azurite-blob", "azurite-blob");
    process = new ManagedProcess("azurite-" + port, List.of(binary, "--blobHost", "127.0.0.1", "--blobPort",
        Integer.toString(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent"));
  }

  public Azurite start() {
    process.start();
    process.awaitReady(Duration.ofSeconds(30), "azurite on port " + port, () -> Ports.accepts(port));
    return this;
  }

  /** The Blob endpoint including the account, as the Azure SDK wants it. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  @Override
  public void close() {
    process.stop();
  }
}
