; Inno Setup script for ytdesk on Windows (Inno Setup 6.3+). Build on Windows only:
;   python build_spec\build.py                        -> dist\ytdesk\ (ytdesk.exe, ytdesk-cli.exe, _internal\)
;   iscc /DAppVersion=0.1.0 build_spec\ytdesk.iss      -> dist\ytdesk-0.1.0-windows-x64-setup.exe
; Installs per user by default (no admin prompt; the dialog offers "for all users").
; Start menu entries, an optional desktop shortcut, "Open with ytdesk" for video/audio files
; off by default. The uninstaller removes the program; the user's library (the list of
; downloads, settings, logs in %LOCALAPPDATA%\ytdesk) stays unless they say to delete it,
; and downloaded videos are never deleted.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ytdesk"
#define Bundle "..\dist\ytdesk"

[Setup]
; A fixed AppId: upgrades find the earlier install. Never change it.
AppId={{7C9B1E52-4D0A-4C8E-9E1F-3A6D2B5F8E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ytdesk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 1809+: what the bundled Qt 6 and ffmpeg support.
MinVersion=10.0.17763
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\build\icons\ytdesk.ico
UninstallDisplayIcon={app}\ytdesk.exe
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
; A running ytdesk holds its files open: ask it to close (Restart Manager) before replacing them.
CloseApplications=yes
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "openwith"; Description: "Offer ytdesk in ""Open with"" for video and audio files"; GroupDescription: "File types:"; Flags: unchecked

[Files]
; The whole PyInstaller folder, as built: two executables and _internal\.
Source: "{#Bundle}\ytdesk.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\ytdesk-cli.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
; Files of an older version that this one no longer ships would otherwise be mixed in.
[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\ytdesk.exe"; Comment: "Download and keep local copies of online videos"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\ytdesk.exe"; Tasks: desktopicon

[Registry]
; "Open with" only (no default-program takeover): the app is listed for these types.
Root: HKA; Subkey: "Software\Classes\ytdesk.media"; ValueType: string; ValueName: ""; ValueData: "Video or audio file"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\ytdesk.media\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\ytdesk.exe,0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\ytdesk.media\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ytdesk.exe"" --play ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.mp4\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.mkv\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.webm\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.m4a\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.mp3\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.opus\OpenWithProgids"; ValueType: string; ValueName: "ytdesk.media"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\ytdesk.exe\SupportedTypes"; ValueType: string; ValueName: ".mp4"; ValueData: ""; Flags: uninsdeletekey; Tasks: openwith

[Run]
Filename: "{app}\ytdesk.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
const
  RunKey = 'Software\Microsoft\Windows\CurrentVersion\Run';  { ytdesk/core/autostart.py RUN_KEY }
  RunValue = 'ytdesk';                                         { ... and RUN_VALUE }

function LibraryDir(): String;
begin
  { platformdirs.user_data_dir("ytdesk", appauthor=False) on Windows (core/paths.py) }
  Result := ExpandConstant('{localappdata}\ytdesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    { "Start ytdesk at login" would otherwise point at a removed program. }
    RegDeleteValue(HKEY_CURRENT_USER, RunKey, RunValue);
  end;
  if CurUninstallStep = usPostUninstall then
  begin
    { The library is the user's: kept unless they ask, and never asked in a silent
      uninstall (an upgrade or a managed removal). Videos are never deleted. }
    if (not UninstallSilent()) and DirExists(LibraryDir()) then
    begin
      if MsgBox('Also delete your ytdesk library (the list of your downloads, your ' +
                'subscriptions, settings and logs in ' + LibraryDir() + ')?' + #13#10#13#10 +
                'Your downloaded videos are not deleted either way. Choose No to keep the ' +
                'library for a later install.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
      begin
        if not DelTree(LibraryDir(), True, True, True) then
          MsgBox('The library at ' + LibraryDir() + ' could not be deleted completely; ' +
                 'close any program using it and delete the folder by hand.', mbError, MB_OK);
      end;
    end;
  end;
end;
