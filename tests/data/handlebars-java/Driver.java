// ptk's driver for measuring handlebars.java: reads JSON lines {"template", "data",
// "partials", "prettyPrint", "testHelpers"} on stdin and prints one JSON line per case,
// {"out": text} or {"err": "Class: message"} (the first line of the exception).
//
// It renders with `new Handlebars(loader).compile(source).apply(data)` (what compileInline
// does, with the source named "inline") and the
// engine's defaults (HTML escaping on, prettyPrint off unless asked), JSON objects as
// LinkedHashMap, arrays as ArrayList, whole numbers as Integer/Long/BigInteger, other
// numbers as Double. It needs only a handlebars.java classpath (no JSON library).
// regen.py compiles and runs it; see README.md in this folder.

import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Options;
import com.github.jknack.handlebars.io.AbstractTemplateLoader;
import com.github.jknack.handlebars.io.StringTemplateSource;
import com.github.jknack.handlebars.io.TemplateSource;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

public final class Driver {

  /** Partials come from the case: a loader over a map (no prefix, no suffix). */
  static final class MapLoader extends AbstractTemplateLoader {
    private final Map<String, Object> partials;

    MapLoader(Map<String, Object> partials) {
      this.partials = partials;
      setPrefix("/");
      setSuffix("");
    }

    @Override
    public TemplateSource sourceAt(String location) throws java.io.IOException {
      String name = location.startsWith("/") ? location.substring(1) : location;
      Object text = partials.get(name);
      if (text == null) {
        throw new FileNotFoundException(location);
      }
      return new StringTemplateSource(name, text.toString());
    }
  }

  // --- the test helpers of tests/conformance/regen.js, the Java way -------------------------

  static CharSequence text(Object value) {
    return value == null ? "" : value.toString();
  }

  static void registerTestHelpers(Handlebars hb) {
    hb.registerHelper("upper", (Helper<Object>) (ctx, o) -> {
      if (o.params.length > 0) {
        throw new IllegalArgumentException("upper needs one argument");
      }
      return text(ctx).toString().toUpperCase();
    });
    hb.registerHelper("concat", (Helper<Object>) (ctx, o) -> {
      StringBuilder out = new StringBuilder(text(ctx));
      for (Object p : o.params) {
        out.append(text(p));
      }
      return out.toString();
    });
    hb.registerHelper("link", (Helper<Object>) (ctx, o) -> {
      Object cls = o.hash("class");
      if (cls == null) {
        cls = o.hash("cls");
      }
      String href = Handlebars.Utils.escapeExpression(text(o.hash("url"))).toString();
      String attr = cls == null ? ""
          : " class=\"" + Handlebars.Utils.escapeExpression(text(cls)) + "\"";
      return new Handlebars.SafeString("<a href=\"" + href + "\"" + attr + ">"
          + Handlebars.Utils.escapeExpression(text(ctx)) + "</a>");
    });
    hb.registerHelper("eq", (Helper<Object>) (ctx, o) -> {
      boolean result = Objects.equals(ctx, o.param(0, null));
      if (o.tagType.inline()) {
        return result;
      }
      return result ? o.fn() : o.inverse();
    });
    hb.registerHelper("bold", (Helper<Object>) (ctx, o) -> "<b>" + o.fn() + "</b>");
    hb.registerHelper("list", (Helper<Object>) (ctx, o) -> {
      if (!(ctx instanceof Iterable)) {
        throw new IllegalArgumentException("list needs a list");
      }
      StringBuilder out = new StringBuilder("<ul class=\"" + text(o.hash("cls")) + "\">");
      for (Object item : (Iterable<?>) ctx) {
        out.append("<li>").append(o.fn(item)).append("</li>");
      }
      return out.append("</ul>").toString();
    });
    hb.registerHelper("raw", (Helper<Object>) (ctx, o) -> o.fn());
    hb.registerHelper("whichPartial", (Helper<Object>) (ctx, o) -> "card");
  }

  // --- one case ---------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> job) {
    Object partials = job.get("partials");
    Handlebars hb = new Handlebars(new MapLoader(
        partials instanceof Map ? (Map<String, Object>) partials : new LinkedHashMap<>()));
    if (Boolean.TRUE.equals(job.get("prettyPrint"))) {
      hb.setPrettyPrint(true);
    }
    if (Boolean.TRUE.equals(job.get("testHelpers"))) {
      registerTestHelpers(hb);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      // compileInline would name the template "inline@<hash>"; errors read better as "inline"
      String template = (String) job.get("template");
      result.put("out", hb.compile(new StringTemplateSource("inline", template)).apply(job.get("data")));
    } catch (Throwable e) {
      String first = e.toString().split("\n", 2)[0];
      result.put("err", first);
    }
    return Json.write(result);
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> job = (Map<String, Object>) Json.read(line);
      out.println(render(job));
    }
  }

  // --- a small JSON reader and writer (so that only handlebars.java is on the classpath) ---

  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object read(String text) {
      Json p = new Json(text);
      Object value = p.value();
      p.space();
      if (p.i != p.s.length()) {
        throw new IllegalArgumentException("trailing text at " + p.i);
      }
      return value;
    }

    private void space() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private Object value() {
      space();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> map = new LinkedHashMap<>();
        i++;
        space();
        if (s.charAt(i) == '}') {
          i++;
          return map;
        }
        while (true) {
          space();
          String key = string();
          space();
          expect(':');
          map.put(key, value());
          space();
          if (s.charAt(i) == ',') {
            i++;
            continue;
          }
          expect('}');
          return map;
        }
      }
      if (c == '[') {
        List<Object> list = new ArrayList<>();
        i++;
        space();
        if (s.charAt(i) == ']') {
          i++;
          return list;
        }
        while (true) {
          list.add(value());
          space();
          if (s.charAt(i) == ',') {
            i++;
            continue;
          }
          expect(']');
          return list;
        }
      }
      if (c == '"') {
        return string();
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      return number();
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + i);
      }
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'n': out.append('\n'); break;
          case 'r': out.append('\r'); break;
          case 't': out.append('\t'); break;
          case 'u':
            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
            break;
          default: out.append(e);
        }
      }
    }

    private Object number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String text = s.substring(start, i);
      if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
        BigInteger big = new BigInteger(text);
        if (big.bitLength() < 32) {
          return big.intValue();
        }
        if (big.bitLength() < 64) {
          return big.longValue();
        }
        return big;
      }
      return Double.valueOf(text);
    }

    static String write(Map<String, Object> map) {
      StringBuilder out = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<String, Object> entry : map.entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        quote(out, entry.getKey());
        out.append(": ");
        quote(out, String.valueOf(entry.getValue()));
      }
      return out.append("}").toString();
    }

    private static void quote(StringBuilder out, String text) {
      out.append('"');
      for (int k = 0; k < text.length(); k++) {
        char c = text.charAt(k);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20 || c > 0x7e) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
  }
}
