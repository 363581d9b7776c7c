package io.egressjava.api.errors;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** psrpc error codes: the string carried in Response.code, and the HTTP status LiveKit maps it to. */
public enum PsrpcCode {
  OK("", 200),
  CANCELED("canceled", 503),
  MALFORMED_REQUEST("malformed_request", 400),
  MALFORMED_RESULT("malformed_result", 500),
  DEADLINE_EXCEEDED("deadline_exceeded", 503),
  UNAVAILABLE("unavailable", 503),
  UNKNOWN("unknown", 500),
  INVALID_ARGUMENT("invalid_argument", 400),
  NOT_FOUND("not_found", 404),
  NOT_ACCEPTABLE("not_acceptable", 406),
  ALREADY_EXISTS("already_exists", 409),
  PERMISSION_DENIED("permission_denied", 403),
  RESOURCE_EXHAUSTED("resource_exhausted", 429),
  FAILED_PRECONDITION("failed_precondition", 412),
  ABORTED("aborted", 409),
  OUT_OF_RANGE("out_of_range", 416),
  UNIMPLEMENTED("unimplemented", 501),
  INTERNAL("internal", 500),
  DATA_LOSS("data_loss", 500),
  UNAUTHENTICATED("unauthenticated", 401),
  UNPROCESSABLE_ENTITY("unprocessable_entity", 422),
  UPSTREAM_SERVER_ERROR("upstream_server_error", 502),
  UPSTREAM_CLIENT_ERROR("upstream_client_error", 424);

  private static final Map<String, PsrpcCode> BY_WIRE =
      Arrays.stream(values()).collect(Collectors.toMap(PsrpcCode::wire, Function.identity()));

  private final String wire;
  private final int httpStatus;

  PsrpcCode(String wire, int httpStatus) {
    this.wire = wire;
    this.httpStatus = httpStatus;
  }

  /** The string on the wire (Response.code). */
  public String wire() {
    return wire;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Parses a wire code; an unrecognised or empty code with an error message means UNKNOWN. */
  public static PsrpcCode fromWire(String code) {
    PsrpcCode c = BY_WIRE.get(code == null ? "" : code);
    return c == null ? UNKNOWN : c;
  }
}
