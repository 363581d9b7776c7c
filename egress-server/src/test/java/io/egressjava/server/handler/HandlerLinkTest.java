package io.egressjava.server.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.io.EOFException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames over a real Unix socket, errors as payloads, and exits worded as Go's exec package. */
class HandlerLinkTest {

  @Test
  void framesCrossAUnixSocketInOrderAndCloseIsEndOfStream(@TempDir Path dir) throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("t.sock"));
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
      client.connect(address);
      HandlerLink service = new HandlerLink(server.accept());
      HandlerLink handler = new HandlerLink(client);
      EgressInfo info = EgressInfo.newBuilder().setEgressId("EG_x").setStatus(EgressStatus.EGRESS_ACTIVE)
          .setDetails("ü".repeat(40_000)).build();
      handler.send(HandlerLink.Kind.READY, new byte[0]);
      handler.send(HandlerLink.Kind.INFO, info.toByteArray());
      service.send(HandlerLink.Kind.STOP, "StopEgress API");
      assertThat(service.receive().kind()).isEqualTo(HandlerLink.Kind.READY);
      HandlerLink.Frame f = service.receive();
      assertThat(f.kind()).isEqualTo(HandlerLink.Kind.INFO);
      assertThat(EgressInfo.parseFrom(f.payload())).isEqualTo(info);
      assertThat(handler.receive().text()).isEqualTo("StopEgress API");
      handler.close();
      assertThatThrownBy(service::receive).isInstanceOf(EOFException.class);
      service.close();
    }
  }

  @Test
  void errorsKeepTheirCodeAndMessage() {
    PsrpcException e = HandlerLink.error(HandlerLink.errorText(
        new PsrpcException(PsrpcCode.PERMISSION_DENIED, "CPU exhausted: 1.50 cores used\nsecond line")));
    assertThat(e.code()).isEqualTo(PsrpcCode.PERMISSION_DENIED);
    assertThat(e.getMessage()).isEqualTo("CPU exhausted: 1.50 cores used\nsecond line");
    assertThat(HandlerLink.error("no code").code()).isEqualTo(PsrpcCode.INTERNAL);
  }

  @Test
  void exitsAreWordedAsTheReferenceReportsThem() {
    assertThat(HandlerProcessRunner.exitText(137)).isEqualTo("signal: killed");
    assertThat(HandlerProcessRunner.exitText(134)).isEqualTo("signal: aborted");
    assertThat(HandlerProcessRunner.exitText(139)).isEqualTo("signal: segmentation fault");
    assertThat(HandlerProcessRunner.exitText(1)).isEqualTo("exit status 1");
  }
}
