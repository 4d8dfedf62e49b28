package org.quarterdeck.server.engine;

/**
 * One cause of a variable's change in a turn.
 *
 * @param label text from the scenario (act, event, dilemma) or the engine's {@link Cause} label
 * @param cause the engine cause, or null if the label comes from the scenario
 * @param originTurn the turn whose act or event caused it (earlier than the report's turn for
 *     delayed effects)
 */
public record Attribution(String label, Cause cause, int originTurn, double amount) {}
