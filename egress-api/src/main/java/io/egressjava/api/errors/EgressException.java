package io.egressjava.api.errors;

/**
 * An error that carries a psrpc code. Its message is exactly what the reference egress sends in
 * Response.error and EgressInfo.error (no code prefix).
 */
public class EgressException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final PsrpcCode code;

  public EgressException(PsrpcCode code, String message) {
    super(message);
    this.code = code;
  }

  public EgressException(PsrpcCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public PsrpcCode code() {
    return code;
  }

  @Override
  public String toString() {
    return "EgressException[" + code.wire() + "]: " + getMessage();
  }
}
