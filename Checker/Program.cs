return Checker.Cli.Cli.Run(args, Console.Out, Console.Error);
