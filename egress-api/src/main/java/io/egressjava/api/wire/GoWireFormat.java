package io.egressjava.api.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Serializes protobuf messages in the field order LiveKit's Go services emit.
 *
 * <p>Any field order is valid protobuf, and every parser accepts ours. But protobuf-go writes the
 * fields of a oneof after all other fields (grouped by oneof declaration), while protobuf-java
 * writes strictly by field number. Producing Go's order keeps our Redis traffic byte-identical to
 * the Go egress for the same values, which makes captures directly comparable and is checked by the
 * golden wire tests. Map entries are written sorted by key (what Go's deterministic mode does).
 */
public final class GoWireFormat {

  /** protobuf-go's "legacy" order: plain fields, then oneof members by oneof index, then by number. */
  static final Comparator<FieldDescriptor> GO_FIELD_ORDER =
      Comparator.comparing((FieldDescriptor f) -> realOneof(f) != null)
          .thenComparingInt(f -> realOneof(f) == null ? -1 : realOneof(f).getIndex())
          .thenComparingInt(FieldDescriptor::getNumber);

  private GoWireFormat() {}

  public static byte[] toByteArray(Message message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writeMessage(message, out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: cannot happen
    }
    return bytes.toByteArray();
  }

  public static ByteString toByteString(Message message) {
    return ByteString.copyFrom(toByteArray(message));
  }

  private static OneofDescriptor realOneof(FieldDescriptor field) {
    return field.getRealContainingOneof();
  }

  private static void writeMessage(Message message, CodedOutputStream out) throws IOException {
    List<Map.Entry<FieldDescriptor, Object>> fields = new ArrayList<>(message.getAllFields().entrySet());
    fields.sort(Map.Entry.comparingByKey(GO_FIELD_ORDER));
    for (Map.Entry<FieldDescriptor, Object> field : fields) {
      writeField(field.getKey(), field.getValue(), out);
    }
    message.getUnknownFields().writeTo(out);
  }

  private static void writeField(FieldDescriptor field, Object value, CodedOutputStream out) throws IOException {
    if (field.isMapField()) {
      List<MapEntry<?, ?>> entries = new ArrayList<>();
      for (Object entry : (List<?>) value) {
        entries.add((MapEntry<?, ?>) entry);
      }
      entries.sort(GoWireFormat::compareMapKeys);
      for (MapEntry<?, ?> entry : entries) {
        out.writeByteArray(field.getNumber(), mapEntryBytes(field, entry));
      }
    } else if (field.isRepeated()) {
      List<?> values = (List<?>) value;
      if (field.isPacked()) {
        int size = 0;
        for (Object v : values) {
          size += scalarSizeNoTag(field.getType(), v);
        }
        out.writeTag(field.getNumber(), com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        for (Object v : values) {
          writeScalarNoTag(field.getType(), v, out);
        }
      } else {
        for (Object v : values) {
          writeSingle(field, v, out);
        }
      }
    } else {
      writeSingle(field, value, out);
    }
  }

  /** Go writes a map entry's key and value even when they hold default values. */
  private static byte[] mapEntryBytes(FieldDescriptor mapField, MapEntry<?, ?> entry) throws IOException {
    FieldDescriptor keyField = mapField.getMessageType().findFieldByNumber(1);
    FieldDescriptor valueField = mapField.getMessageType().findFieldByNumber(2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writeSingle(keyField, entry.getKey(), out);
    Object v = entry.getValue();
    if (valueField.getType() == FieldDescriptor.Type.ENUM && v instanceof Integer) {
      out.writeEnum(2, (Integer) v);
    } else {
      writeSingle(valueField, v, out);
    }
    out.flush();
    return bytes.toByteArray();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareMapKeys(MapEntry<?, ?> a, MapEntry<?, ?> b) {
    Object ka = a.getKey();
    Object kb = b.getKey();
    if (ka instanceof Comparable) {
      return ((Comparable) ka).compareTo(kb);
    }
    return 0;
  }

  private static void writeSingle(FieldDescriptor field, Object value, CodedOutputStream out) throws IOException {
    switch (field.getType()) {
      case MESSAGE -> out.writeByteArray(field.getNumber(), toByteArray((Message) value));
      case GROUP -> {
        out.writeTag(field.getNumber(), com.google.protobuf.WireFormat.WIRETYPE_START_GROUP);
        writeMessage((Message) value, out);
        out.writeTag(field.getNumber(), com.google.protobuf.WireFormat.WIRETYPE_END_GROUP);
      }
      default -> {
        out.writeTag(field.getNumber(), field.getLiteType().getWireType());
        writeScalarNoTag(field.getType(), value, out);
      }
    }
  }

  private static void writeScalarNoTag(FieldDescriptor.Type type, Object v, CodedOutputStream out) throws IOException {
    switch (type) {
      case DOUBLE -> out.writeDoubleNoTag((Double) v);
      case FLOAT -> out.writeFloatNoTag((Float) v);
      case INT64 -> out.writeInt64NoTag((Long) v);
      case UINT64 -> out.writeUInt64NoTag((Long) v);
      case INT32 -> out.writeInt32NoTag((Integer) v);
      case FIXED64 -> out.writeFixed64NoTag((Long) v);
      case FIXED32 -> out.writeFixed32NoTag((Integer) v);
      case BOOL -> out.writeBoolNoTag((Boolean) v);
      case STRING -> out.writeStringNoTag((String) v);
      case BYTES -> out.writeBytesNoTag((ByteString) v);
      case UINT32 -> out.writeUInt32NoTag((Integer) v);
      case SFIXED32 -> out.writeSFixed32NoTag((Integer) v);
      case SFIXED64 -> out.writeSFixed64NoTag((Long) v);
      case SINT32 -> out.writeSInt32NoTag((Integer) v);
      case SINT64 -> out.writeSInt64NoTag((Long) v);
      case ENUM -> out.writeEnumNoTag(enumNumber(v));
      default -> throw new IllegalArgumentException("not a scalar type: " + type);
    }
  }

  private static int scalarSizeNoTag(FieldDescriptor.Type type, Object v) {
    return switch (type) {
      case DOUBLE, FIXED64, SFIXED64 -> 8;
      case FLOAT, FIXED32, SFIXED32 -> 4;
      case BOOL -> 1;
      case INT64 -> CodedOutputStream.computeInt64SizeNoTag((Long) v);
      case UINT64 -> CodedOutputStream.computeUInt64SizeNoTag((Long) v);
      case INT32 -> CodedOutputStream.computeInt32SizeNoTag((Integer) v);
      case UINT32 -> CodedOutputStream.computeUInt32SizeNoTag((Integer) v);
      case SINT32 -> CodedOutputStream.computeSInt32SizeNoTag((Integer) v);
      case SINT64 -> CodedOutputStream.computeSInt64SizeNoTag((Long) v);
      case ENUM -> CodedOutputStream.computeEnumSizeNoTag(enumNumber(v));
      default -> throw new IllegalArgumentException("not a packable type: " + type);
    };
  }

  private static int enumNumber(Object v) {
    return v instanceof EnumValueDescriptor d ? d.getNumber() : (Integer) v;
  }
}
