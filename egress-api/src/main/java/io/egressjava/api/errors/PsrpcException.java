package io.egressjava.api.errors;

/** An error with a psrpc code, as carried in Response{error, code}. */
public class PsrpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final PsrpcCode code;

  public PsrpcException(PsrpcCode code, String message) {
    super(message);
    this.code = code;
  }

  public PsrpcException(PsrpcCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public PsrpcCode code() {
    return code;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code.wire() + "]: " + getMessage();
  }
}
