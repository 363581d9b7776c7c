package io.egressjava.api.errors;

import static io.egressjava.api.errors.PsrpcCode.ALREADY_EXISTS;
import static io.egressjava.api.errors.PsrpcCode.FAILED_PRECONDITION;
import static io.egressjava.api.errors.PsrpcCode.INTERNAL;
import static io.egressjava.api.errors.PsrpcCode.INVALID_ARGUMENT;
import static io.egressjava.api.errors.PsrpcCode.NOT_FOUND;
import static io.egressjava.api.errors.PsrpcCode.PERMISSION_DENIED;
import static io.egressjava.api.errors.PsrpcCode.UNAVAILABLE;

/**
 * The reference egress's user-visible errors, with the same codes and message texts
 * (livekit/egress pkg/errors), so that API users see identical errors from either implementation.
 */
public final class EgressErrors {
  private EgressErrors() {}

  public static EgressException invalidInput(String field) {
    return new EgressException(INVALID_ARGUMENT, "request has missing or invalid field: " + field);
  }

  public static EgressException incompatible(String format, String codec) {
    return new EgressException(INVALID_ARGUMENT, "format " + format + " incompatible with codec " + codec);
  }

  public static EgressException invalidUrl(String url, String reason) {
    return new EgressException(INVALID_ARGUMENT, "invalid url " + url + ": " + reason);
  }

  public static EgressException notSupported(String feature) {
    return new EgressException(INVALID_ARGUMENT, feature + " is not yet supported");
  }

  public static EgressException noCompatibleCodec() {
    return new EgressException(INVALID_ARGUMENT, "no supported codec is compatible with all outputs");
  }

  public static EgressException noCompatibleFileOutputType() {
    return new EgressException(INVALID_ARGUMENT, "no supported file output type is compatible with the selected codecs");
  }

  public static EgressException nonStreamingPipeline() {
    return new EgressException(INVALID_ARGUMENT, "UpdateStream called on non-streaming egress");
  }

  public static EgressException nonRetryableOutput() {
    return new EgressException(FAILED_PRECONDITION, "output configuration does not support retry");
  }

  public static EgressException egressNotFound() {
    return new EgressException(NOT_FOUND, "egress not found");
  }

  public static EgressException egressAlreadyExists() {
    return new EgressException(ALREADY_EXISTS, "egress already exists");
  }

  public static EgressException participantNotFound(String identity) {
    return new EgressException(NOT_FOUND, "participant " + identity + " not found");
  }

  public static EgressException trackNotFound(String trackId) {
    return new EgressException(NOT_FOUND, "track " + trackId + " not found");
  }

  public static EgressException streamNotFound(String url) {
    return new EgressException(NOT_FOUND, "stream " + url + " not found");
  }

  public static EgressException notEnoughCpu() {
    return new EgressException(UNAVAILABLE, "not enough CPU");
  }

  public static EgressException shuttingDown() {
    return new EgressException(UNAVAILABLE, "server is shutting down");
  }

  public static EgressException featureDisabled(String feature) {
    return new EgressException(PERMISSION_DENIED, feature + " is disabled for this account");
  }

  public static EgressException handlerFailedToStart() {
    return new EgressException(INTERNAL, "handler failed to start");
  }

  public static EgressException roomConnectionFailed() {
    return new EgressException(UNAVAILABLE, "recording ended early: connection to room failed");
  }

  public static EgressException uploadFailed(String backend, Throwable cause) {
    return new EgressException(INVALID_ARGUMENT, backend + " upload failed: " + cause.getMessage(), cause);
  }
}
