package org.quarterdeck.server.port;

/** The ways into the server; all carry the same envelopes. */
public enum Transport {
  WEBSOCKET,
  TCP
}
