#!/usr/bin/env python3
"""check_screen.py TYPESCRIPT WIDTH [options] - read what a terminal showed.

TYPESCRIPT is the raw output of `script -qfc CMD /dev/null` (a pseudo-
terminal: the pty turns \\n into \\r\\n).  The bytes are replayed like a
terminal would: \\r returns to column 0, ESC [ K erases to the end of the
line, ESC [ ... m (colour) takes no room, other bytes overwrite.  Every text
drawn after a \\r is a "draw" (a status line); the lines that stay on the
screen are the "screen".  The options assert on both; exit 1 on failure.

  --draw REGEX     some draw matches REGEX (repeatable)
  --no-draw        nothing is drawn in place (no status line at all)
  --line REGEX     every non-empty screen line matches one of these (repeatable)
  --count REGEX N  exactly N screen lines match REGEX
  --no-color       no colour escape anywhere
"""
import re
import sys

CSI = re.compile(rb"\x1b\[([0-9;?]*)([A-Za-z])")


def replay(data):
    lines, draws, sgr = [], [], False
    buf, col, drawing, drawn = [], 0, False, []
    i = 0
    while i < len(data):
        m = CSI.match(data, i)
        if m:
            if m.group(2) == b"K":
                del buf[col:]
            elif m.group(2) == b"m":
                sgr = True
            i = m.end()
            continue
        c = data[i : i + 1]
        i += 1
        if c == b"\r":
            if drawing and drawn:
                draws.append(b"".join(drawn).decode("utf-8", "replace"))
            col, drawing, drawn = 0, True, []
        elif c == b"\n":
            if drawing and drawn:
                draws.append(b"".join(drawn).decode("utf-8", "replace"))
            lines.append(b"".join(buf).decode("utf-8", "replace"))
            buf, col, drawing, drawn = [], 0, False, []
        else:
            if col < len(buf):
                buf[col] = c
            else:
                buf.append(c)
            col += 1
            if drawing:
                drawn.append(c)
    if buf:
        lines.append(b"".join(buf).decode("utf-8", "replace"))
    # Text written after a \r and then erased by "\r ESC[K" is a draw too;
    # text that ends up on a kept line (a result line) was drawn and stays.
    kept = set(lines)
    draws = [d for d in draws if d not in kept]
    return lines, draws, sgr


def main():
    args = sys.argv[1:]
    path, width = args[0], int(args[1])
    data = open(path, "rb").read()
    lines, draws, sgr = replay(data)
    errors = []
    line_res, i = [], 2
    while i < len(args):
        opt = args[i]
        if opt == "--draw":
            if not any(re.search(args[i + 1], d) for d in draws):
                errors.append("no status line matches %r" % args[i + 1])
            i += 2
        elif opt == "--no-draw":
            if draws:
                errors.append("status lines drawn: %r" % draws[:3])
            i += 1
        elif opt == "--line":
            line_res.append(re.compile(args[i + 1]))
            i += 2
        elif opt == "--count":
            n = sum(1 for l in lines if re.search(args[i + 1], l))
            if n != int(args[i + 2]):
                errors.append("%d screen lines match %r, expected %s" % (n, args[i + 1], args[i + 2]))
            i += 3
        elif opt == "--no-color":
            if sgr:
                errors.append("colour escapes despite NO_COLOR")
            i += 1
        else:
            sys.exit("unknown option " + opt)
    for d in draws:
        if len(d) > width - 1:
            errors.append("status line of %d columns on a %d-column terminal: %r" % (len(d), width, d))
            break
    if line_res:
        for l in lines:
            if l.strip() and not any(r.search(l) for r in line_res):
                errors.append("screen line mixed or unexpected: %r" % l)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print("screen:\n  " + "\n  ".join(lines[-20:]), file=sys.stderr)
        print("some status lines:\n  " + "\n  ".join(draws[:5]), file=sys.stderr)
        sys.exit(1)
    print("%d screen lines, %d status lines drawn" % (len(lines), len(draws)))


main()
