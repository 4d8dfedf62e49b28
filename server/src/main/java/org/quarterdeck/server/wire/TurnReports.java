package org.quarterdeck.server.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.Contribution;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Standing;
import org.quarterdeck.protocol.v1.TurnReport;
import org.quarterdeck.protocol.v1.TurnResolved;
import org.quarterdeck.protocol.v1.VariableChange;
import org.quarterdeck.server.engine.ReportWriter;
import org.quarterdeck.server.engine.TurnOutcome;
import org.quarterdeck.server.engine.Var;

/**
 * Builds the teams' {@link TurnReport}s of a resolved turn straight from the engine's ledger: the
 * same message as {@link WireMapping#report} of the engine's {@code TeamReport}, byte for byte, but
 * without the engine's report objects in between, and with builders reused for every variable and
 * contribution. One instance serves one thread (a session's turn close).
 */
public final class TurnReports implements ReportWriter {
  private final EventView.Builder event = EventView.newBuilder();

  /**
   * The bytes of {@code envelope}, a ServerMessage with only a TurnResolved, made around {@code
   * report}, the bytes of the TurnResolved's report: exactly {@code envelope.toByteString()}, but
   * the report is not serialized again and its bytes are shared, not copied. Generated code writes
   * fields in number order, so the bytes are the envelope's head, the TurnResolved's fields before
   * the report (turn, team), the report, and those after it (standings, state hash). Null when the
   * envelope holds anything else or {@code report} is null.
   */
  public static ByteString envelopeAround(ServerMessage envelope, ByteString report) {
    if (report == null || !envelope.hasTurnResolved()) {
      return null;
    }
    TurnResolved resolved = envelope.getTurnResolved();
    int size = resolved.getSerializedSize();
    int envelopeHead =
        CodedOutputStream.computeTagSize(ServerMessage.TURN_RESOLVED_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(size);
    if (envelopeHead + size != envelope.getSerializedSize()
        || resolved.getReport().getSerializedSize() != report.size()
        || resolved.getUnknownFields().getSerializedSize() != 0) {
      return null; // a request id, unknown fields, or another report
    }
    int turnSize =
        resolved.getTurn() == 0
            ? 0
            : CodedOutputStream.computeInt32Size(
                TurnResolved.TURN_FIELD_NUMBER, resolved.getTurn());
    int teamSize =
        resolved.hasTeam()
            ? CodedOutputStream.computeMessageSize(
                TurnResolved.TEAM_FIELD_NUMBER, resolved.getTeam())
            : 0;
    int reportHead =
        CodedOutputStream.computeTagSize(TurnResolved.REPORT_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(report.size());
    byte[] head = new byte[envelopeHead + turnSize + teamSize + reportHead];
    byte[] tail = new byte[size - (turnSize + teamSize + reportHead + report.size())];
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(head);
      out.writeTag(ServerMessage.TURN_RESOLVED_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size);
      if (turnSize > 0) {
        out.writeInt32(TurnResolved.TURN_FIELD_NUMBER, resolved.getTurn());
      }
      if (teamSize > 0) {
        out.writeMessage(TurnResolved.TEAM_FIELD_NUMBER, resolved.getTeam());
      }
      out.writeTag(TurnResolved.REPORT_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(report.size());
      out.checkNoSpaceLeft();
      out = CodedOutputStream.newInstance(tail);
      for (Standing standing : resolved.getStandingsList()) {
        out.writeMessage(TurnResolved.STANDINGS_FIELD_NUMBER, standing);
      }
      if (!resolved.getStateHashBytes().isEmpty()) {
        out.writeBytes(TurnResolved.STATE_HASH_FIELD_NUMBER, resolved.getStateHashBytes());
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // arrays of the computed sizes: cannot happen
    }
    return UnsafeByteOperations.unsafeWrap(head)
        .concat(report)
        .concat(UnsafeByteOperations.unsafeWrap(tail));
  }

  /**
   * One builder per variable, its name and label set once: protobuf checks that a string field's
   * bytes are UTF-8 each time they are set, and these are the same every change of every report.
   */
  private final VariableChange.Builder[] changes = new VariableChange.Builder[Var.COUNT];

  /**
   * The open change's contributions, added to it in one go when it closes: the builder's own list
   * would start empty and grow (10, 15, 22, ... entries) for every variable of every report.
   */
  private final List<Contribution> contributions = new ArrayList<>();

  private TurnReport.Builder report;

  /** The change whose contributions come now, or null. */
  private VariableChange.Builder change;

  private int turn;

  /** The report of team {@code team} (session order), open for the caller to add to. */
  public TurnReport.Builder report(TurnOutcome outcome, int team) {
    report = TurnReport.newBuilder().setTeam(team);
    change = null;
    outcome.explain(team, this);
    closeChange();
    TurnReport.Builder done = report;
    report = null;
    return done;
  }

  @Override
  public void begin(int turn, boolean defaulted) {
    this.turn = turn;
    report.setTurn(turn).setDefaulted(defaulted);
  }

  @Override
  public void change(Var var, double before, double after) {
    closeChange();
    VariableChange.Builder b = changes[var.ordinal()];
    if (b == null) {
      b =
          VariableChange.newBuilder()
              .setNameBytes(WireMapping.varNameBytes(var))
              .setLabelBytes(WireMapping.varLabelBytes(var));
      changes[var.ordinal()] = b;
    }
    change = b.setBefore(before).setAfter(after);
  }

  @Override
  public void contribution(String label, int originTurn, double amount) {
    contributions.add(
        contributionOf(label)
            .setDelta(amount)
            .setFromTurn(originTurn == turn ? 0 : originTurn)
            .build());
  }

  /** Labels seen lately, by identity: the engine hands over the same few label strings. */
  private final String[] labels = new String[LABEL_SLOTS];

  /** For each of {@link #labels}, a builder that keeps that label (set once, checked once). */
  private final Contribution.Builder[] labelled = new Contribution.Builder[LABEL_SLOTS];

  private static final int LABEL_SLOTS = 256; // a power of two; a scenario has a few dozen causes

  /**
   * A contribution builder holding {@code label}. A label string the engine handed over before (the
   * same instance) finds its builder; another takes its slot. Looked up by identity: no hash of the
   * text and no second UTF-8 check, which protobuf makes every time a label is set.
   */
  private Contribution.Builder contributionOf(String label) {
    int slot = System.identityHashCode(label) & (LABEL_SLOTS - 1);
    Contribution.Builder b = labelled[slot];
    if (labels[slot] != label || b == null) {
      b = Contribution.newBuilder().setLabelBytes(WireMapping.labelBytes(label));
      labels[slot] = label;
      labelled[slot] = b;
    }
    return b;
  }

  @Override
  public void event(String eventId, String title, String narrative, boolean injected) {
    closeChange();
    event.clear().setInjected(injected);
    if (injected) { // a facilitator's own text: not worth a place in the label table
      event.setId(eventId == null ? "" : eventId).setTitle(title).setNarrative(narrative);
    } else {
      event
          .setIdBytes(eventId == null ? ByteString.EMPTY : WireMapping.labelBytes(eventId))
          .setTitleBytes(WireMapping.labelBytes(title))
          .setNarrativeBytes(WireMapping.labelBytes(narrative));
    }
    report.addEvents(event.build());
  }

  private void closeChange() {
    if (change != null) {
      if (!contributions.isEmpty()) {
        change.addAllContributions(contributions); // one list of the exact size
        contributions.clear();
      }
      report.addChanges(change.build());
      change.clearContributions(); // the built message keeps its own list
      change = null;
    }
  }
}
