package org.quarterdeck.server.engine;

/**
 * An event of the scenario as shown to players.
 *
 * @param allTeams true if it hits every team of the session
 * @param turn 1-based turn at which it is scheduled, 0 if not scheduled
 * @param deckWeight weight in the deck, 0 if not in the deck
 */
public record EventCard(
    int index,
    String id,
    String title,
    String narrative,
    boolean allTeams,
    int turn,
    double deckWeight,
    int earliestTurn) {}
