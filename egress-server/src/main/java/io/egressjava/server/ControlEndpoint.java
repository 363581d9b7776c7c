package io.egressjava.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.lifecycle.PauseMode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control of running egresses over HTTP, on the health port, for callers with a LiveKit access
 * token carrying {@code roomRecord} (as LiveKit's Egress API asks):
 * <ul>
 *   <li>{@code POST /egress/<id>/pause} (optional {@code ?mode=cut|gap}, cut by default)
 *   <li>{@code POST /egress/<id>/resume}
 *   <li>{@code POST /egress/<id>/control} with the JSON an UpdateLayout layout may carry
 * </ul>
 * Answers 202 with the egress's info as JSON; 400 bad input, 401 no valid token, 403 no grant,
 * 404 not running here, 405 not a POST, 409 not active.
 */
final class ControlEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ControlEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("^/egress/([^/]+)/(pause|resume|control)$");

  private final EgressService service;
  private final AccessTokenVerifier tokens;

  ControlEndpoint(EgressService service, AccessTokenVerifier tokens) {
    this.service = service;
    this.tokens = tokens;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
      if (!m.matches()) {
        answer(exchange, 404, error("no such control: use /egress/<id>/pause, /resume or /control"));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        answer(exchange, 405, error("use POST"));
        return;
      }
      try {
        tokens.verify(exchange.getRequestHeaders().getFirst("Authorization"));
      } catch (AccessTokenVerifier.Refused e) {
        answer(exchange, e.status, error(e.getMessage()));
        return;
      }
      LayoutControl control;
      try {
        control = control(m.group(2), exchange);
      } catch (IllegalArgumentException e) {
        answer(exchange, 400, error(e.getMessage()));
        return;
      }
      try {
        var info = service.control(m.group(1), control);
        log.info("control of {} over HTTP: {}", m.group(1), control.toJson());
        answer(exchange, 202, com.google.protobuf.util.JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace().print(info));
      } catch (PsrpcException e) {
        answer(exchange, switch (e.code()) {
          case NOT_FOUND -> 404;
          case FAILED_PRECONDITION -> 409;
          case UNIMPLEMENTED -> 501;
          default -> 500;
        }, error(e.getMessage()));
      }
    }
  }

  private static LayoutControl control(String action, HttpExchange exchange) throws IOException {
    return switch (action) {
      case "pause" -> {
        String query = exchange.getRequestURI().getQuery();
        String mode = query != null && query.startsWith("mode=") ? query.substring(5) : "cut";
        PauseMode parsed = PauseMode.parse(mode);
        if (parsed == null) {
          throw new IllegalArgumentException("mode must be cut or gap, not " + mode);
        }
        yield new LayoutControl("", true, parsed);
      }
      case "resume" -> new LayoutControl("", false, PauseMode.CUT);
      default -> LayoutControl.fromLayout(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    };
  }

  private static String error(String message) {
    return JSON.createObjectNode().put("error", message).toString();
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    StatusServer.respond(exchange, status, json, "application/json");
  }
}
