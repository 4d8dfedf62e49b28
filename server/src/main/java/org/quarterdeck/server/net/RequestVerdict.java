package org.quarterdeck.server.net;

/** What an address's budget says to one more request ({@link ConnectionGate#charge}). */
public enum RequestVerdict {
  /** Go on. */
  ALLOWED,
  /** Over the address's budget: answer 429 or RATE_LIMITED. */
  REFUSED,
  /** The address is cooling down after a flood: close the connection. */
  COOLING_DOWN
}
