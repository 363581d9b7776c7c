package io.egressjava.source.browser;

/** The browser environment (display, sound server, Chrome) could not be set up or failed. */
public class BrowserException extends RuntimeException {
  public BrowserException(String message) {
    super(message);
  }
}
