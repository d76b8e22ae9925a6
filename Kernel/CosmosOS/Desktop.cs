using System;
using System.Collections.Generic;
using System.Drawing;
using System.Text;
using Cosmos.System.Graphics;
using Cosmos.System.Graphics.Fonts;
using Sys = Cosmos.System;

namespace CosmosOS
{
    /// <summary>
    /// The demo shell's <c>gui</c>: a desktop on the full-screen canvas (1024×768×32 when the adapter can switch, else
    /// its mode) with a mouse cursor, two draggable windows — "Notes", which shows what is typed, and "Monitor", a live
    /// plot of heap use and a bar per thread of its share of the CPU — and a clock in the task bar. Esc returns to the
    /// text shell. Drawing is double-buffered: each frame is drawn into the canvas's back buffer and <c>Display()</c>
    /// copies what changed. What happens is also reported on COM1 as "gui: …" lines (for tests and for headless runs).
    /// Keys come through System.Console (the PS/2 keyboard or COM1), the pointer from <see cref="Sys.MouseManager"/>.
    /// </summary>
    internal sealed class Desktop
    {
        private sealed class Window
        {
            public string Title;
            public int X, Y, W, H;
            public bool InTitleBar(int x, int y) => x >= X && x < X + W && y >= Y && y < Y + TitleHeight;
            public bool Contains(int x, int y) => x >= X && x < X + W && y >= Y && y < Y + H;
        }

        private const int TitleHeight = 22, TaskbarHeight = 28, HistoryLength = 200;
        private static readonly Color Background = Color.FromArgb(0x20, 0x4A, 0x87);
        private static readonly Color WindowBody = Color.FromArgb(0xEE, 0xEE, 0xEE);
        private static readonly Color TitleActive = Color.FromArgb(0x2E, 0x8B, 0x57);
        private static readonly Color TitleInactive = Color.FromArgb(0x70, 0x70, 0x70);
        private static readonly Color Taskbar = Color.FromArgb(0x18, 0x18, 0x18);

        // The arrow cursor, 12 × 19: '#' outline, '.' fill.
        private static readonly string[] CursorArt =
        {
            "#", "##", "#.#", "#..#", "#...#", "#....#", "#.....#", "#......#", "#.......#", "#........#", "#.........#",
            "#..........#", "#......#####", "#...#..#", "#..##..#", "#.#  #..#", "##   #..#", "      #..#", "       ##",
        };

        private readonly Canvas _canvas;
        private readonly Font _font = PCScreenFont.Default;
        private readonly List<Window> _windows = new();
        private readonly Window _notes, _monitor;
        private readonly StringBuilder _line = new();
        private readonly List<string> _lines = new();
        private readonly long[] _heap = new long[HistoryLength];
        private int _heapCount;
        private readonly Dictionary<int, ulong> _lastRun = new();
        private ulong _lastSampleTsc;
        private readonly List<(string Name, double Share)> _load = new();
        private Window _dragging;
        private int _dragDx, _dragDy;
        private bool _wasDown;

        private Desktop(Canvas canvas)
        {
            _canvas = canvas;
            int w = (int)canvas.Mode.Width, h = (int)canvas.Mode.Height;
            _notes = new Window { Title = "Notes", X = w / 16, Y = h / 10, W = Math.Min(460, w / 2), H = Math.Min(300, h / 2) };
            _monitor = new Window { Title = "Monitor", X = w / 2, Y = h / 4, W = Math.Min(420, w / 2 - 20), H = Math.Min(340, h / 2) };
            _windows.Add(_monitor);
            _windows.Add(_notes);   // last = on top
        }

        /// <summary>Runs the desktop until Esc; returns with the text console back.</summary>
        public static void Run()
        {
            Canvas canvas;
            try
            {
                canvas = FullScreenCanvas.TryGetFullScreenCanvas(new Mode(1024, 768, ColorDepth.ColorDepth32), out var c) ? c : FullScreenCanvas.GetFullScreenCanvas();
            }
            catch (InvalidOperationException e)
            {
                Console.WriteLine("gui: no graphics adapter: " + e.Message);
                return;
            }
            var d = new Desktop(canvas);
            Sys.MouseManager.ScreenWidth = canvas.Mode.Width;
            Sys.MouseManager.ScreenHeight = canvas.Mode.Height;
            Sys.MouseManager.X = canvas.Mode.Width / 2;
            Sys.MouseManager.Y = canvas.Mode.Height / 2;
            Report($"desktop {canvas.Mode.Width}x{canvas.Mode.Height}x{(int)canvas.Mode.ColorDepth} on {canvas.Name()}; mouse: {(Sys.MouseManager.IsAbsolute ? "absolute (vmmouse) + PS/2" : Sys.MouseManager.IsPresent ? "PS/2" : "none")}; Esc returns to the shell");
            try { d.Loop(); }
            finally
            {
                FullScreenCanvas.Disable();                       // back to VGA text where the adapter can
                Cosmos.System.ConsoleIO.ConsoleDevice.Refresh();  // a framebuffer console redraws the shell
            }
            Report("closed");
        }

        /// <summary>A "gui: …" line on COM1 only (the screen belongs to the desktop).</summary>
        private static void Report(string text) => Cosmos.HAL.SerialPort.Com1.Write("gui: " + text + "\r\n");

        private void Loop()
        {
            long frames = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long nextSample = 0;
            while (true)
            {
                while (Console.KeyAvailable)
                {
                    var key = Console.ReadKey(intercept: true);
                    if (key.Key == ConsoleKey.Escape) { Report($"{frames} frames in {clock.Elapsed.TotalSeconds:0.0} s"); return; }
                    Type(key);
                }
                Mouse();
                if (clock.ElapsedMilliseconds >= nextSample) { Sample(); nextSample = clock.ElapsedMilliseconds + 250; }
                Draw();
                frames++;
                System.Threading.Thread.Sleep(15);
            }
        }

        private void Type(ConsoleKeyInfo key)
        {
            if (key.Key == ConsoleKey.Enter)
            {
                _lines.Add(_line.ToString());
                if (_lines.Count > 64) _lines.RemoveAt(0);
                Report("line '" + _line + "'");
                _line.Clear();
            }
            else if (key.Key == ConsoleKey.Backspace) { if (_line.Length > 0) _line.Length--; }
            else if (key.KeyChar >= ' ') _line.Append(key.KeyChar);
        }

        private void Mouse()
        {
            int x = (int)Sys.MouseManager.X, y = (int)Sys.MouseManager.Y;
            bool down = (Sys.MouseManager.MouseState & Sys.MouseState.Left) != 0;
            if (down && !_wasDown)
            {
                for (int i = _windows.Count - 1; i >= 0; i--)
                {
                    var w = _windows[i];
                    if (!w.Contains(x, y)) continue;
                    _windows.RemoveAt(i);
                    _windows.Add(w);   // to the top
                    if (w.InTitleBar(x, y)) { _dragging = w; _dragDx = x - w.X; _dragDy = y - w.Y; }
                    break;
                }
            }
            else if (down && _dragging != null)
            {
                int maxX = (int)_canvas.Mode.Width - 40, maxY = (int)_canvas.Mode.Height - TaskbarHeight - TitleHeight;
                _dragging.X = Math.Clamp(x - _dragDx, 40 - _dragging.W, maxX);
                _dragging.Y = Math.Clamp(y - _dragDy, 0, maxY);
            }
            else if (!down && _dragging != null)
            {
                Report($"window {_dragging.Title} at {_dragging.X},{_dragging.Y}");
                _dragging = null;
            }
            _wasDown = down;
        }

        /// <summary>Heap in use, and each thread's share of the CPU since the last sample (TSC ticks of run time).</summary>
        private unsafe void Sample()
        {
            if (_heapCount == HistoryLength) { Array.Copy(_heap, 1, _heap, 0, HistoryLength - 1); _heapCount--; }
            _heap[_heapCount++] = GC.GetTotalMemory(false);
            ulong now = Cosmos.Core.CPU.GetCPUUptime();
            ulong span = _lastSampleTsc == 0 ? 0 : now - _lastSampleTsc;
            _lastSampleTsc = now;
            _load.Clear();
            for (int i = 0; i < Cosmos.Core.Threading.Scheduler.ThreadSlots; i++)
            {
                var t = Cosmos.Core.Threading.Scheduler.GetThread(i);
                if (t == null) continue;
                ulong run = t->RunTsc;
                if (t == Cosmos.Core.Threading.Scheduler.Current) run += now - t->SwitchedInTsc;
                _lastRun.TryGetValue(i, out ulong before);
                _lastRun[i] = run;
                if (span == 0) continue;
                int n = 0;
                while (n < Cosmos.Core.Threading.KernelThread.NameBytes && t->Name[n] != 0) n++;
                string name = n > 0 ? Encoding.UTF8.GetString(t->Name, n) : "thread " + i;
                if (t == Cosmos.Core.Threading.Scheduler.IdleThread) name = "idle";
                _load.Add((name, Math.Clamp((double)(run - before) / span, 0, 1)));
            }
        }

        private void Draw()
        {
            int w = (int)_canvas.Mode.Width, h = (int)_canvas.Mode.Height;
            _canvas.Clear(Background);
            _canvas.DrawString("CosmosOS desktop - drag the windows by their title bars, type into Notes, Esc returns to the shell", _font, Color.White, 12, 8);
            foreach (var win in _windows) DrawWindow(win, win == _windows[^1]);
            _canvas.DrawFilledRectangle(Taskbar, 0, h - TaskbarHeight, w, TaskbarHeight);
            _canvas.DrawString("CosmosOS " + Kernel.Version, _font, Color.White, 10, h - TaskbarHeight + 6);
            string time = DateTime.Now.ToString("HH:mm:ss");
            _canvas.DrawString(time, _font, Color.White, w - 10 - time.Length * _font.Width, h - TaskbarHeight + 6);
            DrawCursor((int)Sys.MouseManager.X, (int)Sys.MouseManager.Y);
            _canvas.Display();
        }

        private void DrawWindow(Window win, bool active)
        {
            _canvas.DrawFilledRectangle(Color.FromArgb(0x10, 0x10, 0x10), win.X + 4, win.Y + 4, win.W, win.H);   // shadow
            _canvas.DrawFilledRectangle(WindowBody, win.X, win.Y, win.W, win.H);
            _canvas.DrawFilledRectangle(active ? TitleActive : TitleInactive, win.X, win.Y, win.W, TitleHeight);
            _canvas.DrawString(win.Title, _font, Color.White, win.X + 8, win.Y + 3);
            _canvas.DrawRectangle(Color.Black, win.X, win.Y, win.W - 1, win.H - 1);
            if (win == _notes) DrawNotes(win);
            else DrawMonitor(win);
        }

        private void DrawNotes(Window win)
        {
            int rows = (win.H - TitleHeight - 12) / _font.Height;
            int x = win.X + 8, y = win.Y + TitleHeight + 6;
            int first = Math.Max(0, _lines.Count + 1 - rows);
            for (int i = first; i < _lines.Count; i++, y += _font.Height) _canvas.DrawString(_lines[i], _font, Color.Black, x, y);
            _canvas.DrawString(_line + "_", _font, Color.Black, x, y);
        }

        private void DrawMonitor(Window win)
        {
            int x = win.X + 10, y = win.Y + TitleHeight + 6, pw = win.W - 20, ph = (win.H - TitleHeight) / 2 - 24;
            long max = 1;
            for (int i = 0; i < _heapCount; i++) max = Math.Max(max, _heap[i]);
            long current = _heapCount > 0 ? _heap[_heapCount - 1] : 0;
            _canvas.DrawString($"heap in use: {current / 1024} KiB (peak shown {max / 1024} KiB)", _font, Color.Black, x, y);
            y += _font.Height + 2;
            _canvas.DrawFilledRectangle(Color.White, x, y, pw, ph);
            _canvas.DrawRectangle(Color.Gray, x, y, pw - 1, ph - 1);
            for (int i = 1; i < _heapCount; i++)
            {
                int x1 = x + (i - 1) * (pw - 2) / (HistoryLength - 1) + 1, x2 = x + i * (pw - 2) / (HistoryLength - 1) + 1;
                int y1 = y + ph - 2 - (int)(_heap[i - 1] * (ph - 4) / max), y2 = y + ph - 2 - (int)(_heap[i] * (ph - 4) / max);
                _canvas.DrawLine(Color.RoyalBlue, x1, y1, x2, y2);
            }
            y += ph + 6;
            _canvas.DrawString("CPU per thread (last 250 ms)", _font, Color.Black, x, y);
            y += _font.Height + 2;
            foreach (var (name, share) in _load)
            {
                if (y + _font.Height > win.Y + win.H - 4) break;
                string label = name.Length > 14 ? name.Substring(0, 14) : name;
                _canvas.DrawString(label, _font, Color.Black, x, y);
                int bx = x + 15 * _font.Width, bw = pw - 15 * _font.Width - 6 * _font.Width;
                _canvas.DrawFilledRectangle(Color.LightGray, bx, y + 3, bw, _font.Height - 6);
                _canvas.DrawFilledRectangle(name == "idle" ? Color.SeaGreen : Color.OrangeRed, bx, y + 3, (int)(bw * share), _font.Height - 6);
                _canvas.DrawString(((int)(share * 100)).ToString() + "%", _font, Color.Black, bx + bw + 4, y);
                y += _font.Height;
            }
        }

        private void DrawCursor(int x, int y)
        {
            for (int r = 0; r < CursorArt.Length; r++)
                for (int c = 0; c < CursorArt[r].Length; c++)
                {
                    char ch = CursorArt[r][c];
                    if (ch == '#') _canvas.DrawPoint(Color.Black, x + c, y + r);
                    else if (ch == '.') _canvas.DrawPoint(Color.White, x + c, y + r);
                }
        }
    }
}
