package org.quarterdeck.server.engine;

import org.quarterdeck.protocol.v1.LeadershipRole;

/**
 * An act a player can spend hours on, as shown to players.
 *
 * @param index position in the scenario's act list (the index of hour arrays)
 * @param role the leadership role for leadership acts, UNSPECIFIED for management acts
 * @param aimsAt the variable the act is meant to move, as shown to players
 */
public record Act(
    int index,
    String id,
    String name,
    String description,
    ActCategory kind,
    LeadershipRole role,
    Var aimsAt) {}
