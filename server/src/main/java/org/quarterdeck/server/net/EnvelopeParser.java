package org.quarterdeck.server.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;

/**
 * Turns one frame's bytes or text into a {@link ClientMessage}, under the parse limits, or into a
 * {@link BadFrame} that says what is wrong. Never throws on bad input.
 */
public final class EnvelopeParser {
  private static final JsonFormat.Parser JSON = JsonFormat.parser();
  private static final Pattern JSON_REQUEST_ID =
      Pattern.compile("\"request(?:Id|_id)\"\\s*:\\s*\"?(\\d{1,20})");

  private final int maxFrameBytes;
  private final int recursionLimit;

  public EnvelopeParser(NetLimits limits) {
    this.maxFrameBytes = limits.maxFrameBytes();
    this.recursionLimit = limits.parseRecursionLimit();
  }

  /** Parses a binary frame; does not release {@code frame}. */
  public Object parseBinary(ByteBuf frame) {
    if (frame.readableBytes() > maxFrameBytes) {
      return new BadFrame(
          0,
          ErrorCode.TOO_LARGE,
          "frame of " + frame.readableBytes() + " bytes exceeds the limit of " + maxFrameBytes,
          WireFormat.BINARY,
          true);
    }
    ByteBuffer bytes = frame.nioBuffer(frame.readerIndex(), frame.readableBytes());
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(recursionLimit);
      in.setSizeLimit(maxFrameBytes);
      ClientMessage message = ClientMessage.parseFrom(in);
      in.checkLastTagWas(0);
      return validated(message, WireFormat.BINARY);
    } catch (InvalidProtocolBufferException e) {
      return new BadFrame(
          bestEffortRequestId(frame),
          ErrorCode.INVALID_ARGUMENT,
          "not a valid ClientMessage: " + e.getMessage(),
          WireFormat.BINARY,
          false);
    } catch (IOException e) {
      return new BadFrame(
          0,
          ErrorCode.INVALID_ARGUMENT,
          "unreadable frame: " + e.getMessage(),
          WireFormat.BINARY,
          false);
    }
  }

  /** Parses a text frame holding the proto3 JSON mapping of a ClientMessage. */
  public Object parseJson(String text) {
    if (text.length() > maxFrameBytes) {
      return new BadFrame(
          0,
          ErrorCode.TOO_LARGE,
          "text frame exceeds the limit of " + maxFrameBytes + " bytes",
          WireFormat.JSON,
          true);
    }
    ClientMessage.Builder builder = ClientMessage.newBuilder();
    try {
      JSON.merge(text, builder);
      return validated(builder.build(), WireFormat.JSON);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat reports unknown fields, bad types and malformed JSON alike; Gson can throw
      // unchecked exceptions on deeply nested input.
      return new BadFrame(
          jsonRequestId(text),
          ErrorCode.INVALID_ARGUMENT,
          "not a valid ClientMessage in JSON: " + e.getMessage(),
          WireFormat.JSON,
          false);
    }
  }

  private static Object validated(ClientMessage message, WireFormat format) {
    if (message.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
      return new BadFrame(
          message.getRequestId(),
          ErrorCode.INVALID_ARGUMENT,
          "the message has no body, or a body this server does not know",
          format,
          false);
    }
    return new Inbound(message, format);
  }

  /** Reads field 1 (request_id) when the frame starts with it, so the error can name it. */
  private static long bestEffortRequestId(ByteBuf frame) {
    try {
      CodedInputStream in =
          CodedInputStream.newInstance(frame.nioBuffer(frame.readerIndex(), frame.readableBytes()));
      return in.readTag() == ((1 << 3) | 0) ? in.readUInt64() : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Finds a request id in text that failed to parse, so that the error can name it. */
  private static long jsonRequestId(String text) {
    Matcher m = JSON_REQUEST_ID.matcher(text);
    if (m.find()) {
      try {
        return Long.parseUnsignedLong(m.group(1));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
