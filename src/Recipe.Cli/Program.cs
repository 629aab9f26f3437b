// The `recipe` dotnet tool; every verb lives in Cli (callable in-process, as the tests do).
return Recipe.Cli.Cli.Run(args);
