package org.quarterdeck.server.net;

/** The ways into the server; all carry the same envelopes. */
public enum Transport {
  WEBSOCKET,
  TCP
}
