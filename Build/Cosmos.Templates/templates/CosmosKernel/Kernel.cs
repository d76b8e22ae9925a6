using System;
using System.Collections.Generic;
using System.Text;
using Sys = Cosmos.System;

namespace CosmosKernel1
{
    public class Kernel : Sys.Kernel
    {
        protected override void BeforeRun()
        {
            Console.WriteLine("Cosmos booted successfully. Type a line of text to get it echoed back (shutdown powers off).");
        }

        protected override void Run()
        {
            Console.Write("Input: ");
            var input = Console.ReadLine();
            if (input == "shutdown")
            {
                Sys.Power.Shutdown();
                return;
            }
            Console.Write("Text typed: ");
            Console.WriteLine(input);
        }
    }
}
