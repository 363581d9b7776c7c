package io.egressjava.api.errors;

/**
 * An egress error. Its message is exactly what the reference egress sends in Response.error and
 * EgressInfo.error (no code prefix).
 */
public class EgressException extends PsrpcException {
  private static final long serialVersionUID = 1L;

  public EgressException(PsrpcCode code, String message) {
    super(code, message);
  }

  public EgressException(PsrpcCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
