import InputMuxConfiguration
import InputMuxKeymap

extension ConfigurationCheck {
    /// Checks the configuration at `path` as `Daemon` loads it at start: the file with
    /// libevdev's key names, then the keymap it names with libxkbcommon.
    public static func asDaemon(path: String) -> ConfigurationCheck {
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: path, keyName: Daemon.linuxKeyCode)
        } catch {
            return ConfigurationCheck(file: path, problems: error.problems, keymapChecked: false)
        }
        let k = configuration.keymap
        do {
            _ = try XKBKeymap(layout: k.layout, variant: k.variant, model: k.model, options: k.options)
            return ConfigurationCheck(file: path, keymapChecked: true)
        } catch {
            return ConfigurationCheck(file: path, keymapProblem: error.description, keymapChecked: true)
        }
    }
}
