package org.quarterdeck.client.load;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.util.List;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnResolved;

/**
 * Reads a binary server envelope only as far as the generator needs it. A deadline burst brings the
 * generator some 13,000 envelopes at once, most of them pushes it only counts: a TurnResolved's
 * report and standings, a facilitator's live view. Parsing them in full cost the generator CPU on
 * the cores the server needs, so those pushes are skimmed: a TurnResolved keeps its turn, a
 * TurnOpened its turn, free hours and act ids, a SessionEnded nothing but itself, and pushes the
 * generator ignores (live views, submission progress, lobby updates, quarter results, broadcasts,
 * team plans) are dropped. Replies to requests and every other envelope are parsed in full.
 */
final class EnvelopeSkim {
  private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;

  // TurnOpened's fields the generator uses, as tags (field number and wire type).
  private static final int TURN = TurnOpened.TURN_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int FREE =
      TurnOpened.FREE_HOURS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int ACT =
      TurnOpened.ACTS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private static final int ACT_ID =
      ActView.ID_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int RESOLVED_TURN =
      TurnResolved.TURN_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;

  /** Marks an envelope the skim leaves to the full parser; compared by identity. */
  private static final ServerMessage IN_FULL = ServerMessage.newBuilder().setRequestId(-1).build();

  private EnvelopeSkim() {}

  /** The envelope as the generator needs it, or null for a push it ignores. */
  static ServerMessage read(ByteBuf content) throws InvalidProtocolBufferException {
    ServerMessage skimmed;
    try {
      skimmed = skim(CodedInputStream.newInstance(content.nioBuffer()));
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return skimmed == IN_FULL ? ServerMessage.parseFrom(content.nioBuffer()) : skimmed;
  }

  private static ServerMessage skim(CodedInputStream in) throws IOException {
    long requestId = 0;
    ServerMessage.Builder body = null;
    boolean ignored = false;
    for (int tag; (tag = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(tag);
      int type = WireFormat.getTagWireType(tag);
      if (field == ServerMessage.REQUEST_ID_FIELD_NUMBER && type == VARINT) {
        requestId = in.readUInt64();
        continue;
      }
      if (type != LENGTH_DELIMITED) {
        return IN_FULL;
      }
      switch (field) {
        case ServerMessage.TURN_RESOLVED_FIELD_NUMBER ->
            body =
                ServerMessage.newBuilder()
                    .setTurnResolved(
                        TurnResolved.newBuilder()
                            .setTurn(only(in, RESOLVED_TURN, CodedInputStream::readInt32, 0)));
        case ServerMessage.TURN_OPENED_FIELD_NUMBER ->
            body = ServerMessage.newBuilder().setTurnOpened(turnOpened(in));
        case ServerMessage.SESSION_ENDED_FIELD_NUMBER -> {
          in.skipField(tag);
          body = ServerMessage.newBuilder().setSessionEnded(SessionEnded.getDefaultInstance());
        }
        case ServerMessage.LIVE_VIEW_FIELD_NUMBER,
            ServerMessage.SUBMISSION_PROGRESS_FIELD_NUMBER,
            ServerMessage.LOBBY_UPDATE_FIELD_NUMBER,
            ServerMessage.QUARTER_CLOSED_FIELD_NUMBER,
            ServerMessage.BROADCAST_FIELD_NUMBER,
            ServerMessage.TEAM_PLAN_FIELD_NUMBER -> {
          in.skipField(tag);
          ignored = true;
        }
        default -> {
          return IN_FULL;
        }
      }
    }
    if (requestId != 0 || (body != null) == ignored) {
      return IN_FULL; // a reply, an empty envelope or two bodies: the full parser decides
    }
    return ignored ? null : body.build();
  }

  /** One field of the length-delimited message at the stream's position. */
  private interface Field<T> {
    T read(CodedInputStream in) throws IOException;
  }

  /**
   * Reads the field with tag {@code wanted} of the length-delimited message at the stream's
   * position and skips the rest; {@code absent} when the message has none.
   */
  private static <T> T only(CodedInputStream in, int wanted, Field<T> field, T absent)
      throws IOException {
    int outer = in.pushLimit(in.readRawVarint32());
    T value = absent;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == wanted) {
        value = field.read(in);
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return value;
  }

  /**
   * A TurnOpened with what the generator uses: its turn, free hours and acts' ids. A field with
   * another wire type than its own is skipped, as protobuf's parser keeps it as unknown.
   */
  private static TurnOpened.Builder turnOpened(CodedInputStream in) throws IOException {
    int outer = in.pushLimit(in.readRawVarint32());
    TurnOpened.Builder open = TurnOpened.newBuilder();
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (tag) {
        case TURN -> open.setTurn(in.readInt32());
        case FREE -> open.setFreeHours(in.readDouble());
        case ACT ->
            open.addActs(
                ActView.newBuilder()
                    .setId(only(in, ACT_ID, CodedInputStream::readStringRequireUtf8, "")));
        default -> in.skipField(tag);
      }
    }
    in.popLimit(outer);
    return open;
  }

  /** Plain TCP's decoder after the varint32 frame decoder: the same skim for every frame. */
  static final class TcpDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out)
        throws InvalidProtocolBufferException {
      ServerMessage m = read(frame);
      if (m != null) {
        out.add(m);
      }
    }
  }
}
